"""Free text: what is left of a request once the structured slots have taken their words.

A text parameter gets a role from its name (a *name* such as a title or label, a *subject*, or
a *body*); cue words ("called", "about", "saying") and containers ("my shopping note") mark
where each role's words are; one remaining parameter takes the rest of the request, without
its command words ("text", "remind me to") and connectors ("that", "saying").
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from .literals import ADDRESS, EMAIL, PHONE, Mention

__all__ = [
    "ACTION_VERBS",
    "ADDRESS",
    "EMAIL",
    "FILLER",
    "PHONE",
    "Mention",
    "leftover_words",
    "split_text",
    "text_role",
    "words",
]

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

#: Words that carry no slot value in a request to an assistant.
FILLER = frozenset(
    "a an the my me i i'm you your please can could would will of on at in it its is are be "
    "do does this some any up new quick just now also let let's want need like and or what "
    "what's whats which where when how how's there here hey ok okay last latest recent newest "
    "next all s anything anyone have has much got gotten "
    # politeness and the noise of speech
    "pls plz please thanks thank thx cheers um uh er erm like kindly actually roughly gonna "
    "going wanna through via using use one ones".split()
)
_CONNECTORS = ("to", "that", "saying", "for", "about", "with")
#: Verbs that start a command; a second one ends the command words ("append *call the bank*").
ACTION_VERBS = frozenset(
    "set create make add put send tell remind write start play schedule book show list read "
    "find search check get give open jot save call ring order delete remove cancel complete "
    "append pause buy pick pay take bring stop wake mute clear erase kill scrap let stick pop "
    "wipe txt".split()
)

_ROLE_CUES = {
    "name": r"called|named|titled|labell?ed|with the title|title it|name it|as|for the",
    "subject": (
        r"about|regarding|with the subject line|with the subject|with subject|subject line"
        r"|subject"
    ),
    "body": (
        r"saying|that says|which says|with the text|with text|reading|body|message(?=\s*:)"
        r"|and say"
    ),
    "query": r"named|called|titled|about|matching|containing",
}
_NAME_PARAMS = {"title", "name", "label", "playlist", "nickname", "tag"}
_SUBJECT_PARAMS = {"subject", "topic"}
_QUERIES = {"query", "song", "search", "q"}


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("e-mail", "email").replace("’", "'"))


def singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def text_role(name: str) -> str:
    if name in _NAME_PARAMS:
        return "name"
    if name in _QUERIES:
        return "query"
    return "subject" if name in _SUBJECT_PARAMS else "body"


def split_text(
    request: str,
    taken: Sequence[Mention],
    params: Mapping[str, bool],
    command: Collection[str],
    nouns: Collection[str],
) -> tuple[dict[str, Mention], list[Mention]]:
    """Text values for ``params`` (name -> required), and every stretch they used."""
    found: dict[str, Mention] = {}
    used: list[Mention] = []
    for param in params:
        mention = _own_cue(request, param, [*taken, *used])
        mention = mention or _cued(request, text_role(param), [*taken, *used], nouns)
        if mention is not None:
            found[param] = mention
            used.append(Mention(mention.start, mention.end))
    rest = [p for p in params if p not in found]
    takers = [p for p in rest if params[p]] or rest
    if len(takers) == 1:
        text = _rest(request, [*taken, *used], command, later_only=not params[takers[0]])
        if text is not None and (text_role(takers[0]) == "name" or takers[0] in _QUERIES):
            text = Mention(text.start, text.end, _strip_article(str(text.value)))
        if text is not None:
            found[takers[0]] = text
            used.append(Mention(text.start, text.end))
    return found, used


_SELF_CUED = frozenset("nickname label tag".split())


def _own_cue(request: str, param: str, taken: Sequence[Mention]) -> Mention | None:
    """A parameter named in the request before its value ("... and nickname doc")."""
    if param not in _SELF_CUED:
        return None
    for match in re.finditer(rf"\b{param}\b\s*:?\s*", request, re.IGNORECASE):
        if _inside(match.start(), taken):
            continue
        end = _next_stop(request, match.end(), taken)
        value = _clean(request[match.end() : end], final=end == len(request))
        if value:
            return Mention(match.start(), end, _strip_article(value))
    return None


def _cued(
    request: str, role: str, taken: Sequence[Mention], nouns: Collection[str]
) -> Mention | None:
    cue = re.compile(rf"\b(?:{_ROLE_CUES[role]})\b\s*:?\s*", re.IGNORECASE)
    for match in cue.finditer(request):
        if _inside(match.start(), taken):
            continue
        end = _next_stop(request, match.end(), taken)
        value = _clean(request[match.end() : end], final=end == len(request))
        if value:
            named = role in ("name", "query")
            return Mention(match.start(), end, _strip_article(value) if named else value)
    if role == "name" and nouns:
        return _container(request, taken, nouns)
    return None


def _container(request: str, taken: Sequence[Mention], nouns: Collection[str]) -> Mention | None:
    """ "my shopping note", "a gym alarm": the words before the tool's own noun."""
    alternatives = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:^\s*|\b(?:my|the|a|an)\s+)((?:[\w'-]+\s+){{1,3}}?)(?:{alternatives})s?\b",
        re.IGNORECASE,
    )
    for match in pattern.finditer(request):
        said = match[1].split()
        while said and (said[0].lower() in FILLER or said[0].lower() in ACTION_VERBS):
            said.pop(0)  # "set a gym alarm": the command's own words come first
        if _inside(match.start(1), taken) or not said:
            continue
        return Mention(match.start(), match.end(), " ".join(said))
    return None


def _rest(
    request: str, taken: Sequence[Mention], command: Collection[str], *, later_only: bool
) -> Mention | None:
    """The rest of the request, without command words: "text mom *I'm running late*"."""
    kept: list[tuple[int, int]] = []
    for n, (offset, piece) in enumerate(_pieces(request, taken)):
        skip = _command_length(piece, command) if n == 0 else _connector_length(piece)
        body = piece[skip:]
        if n == 0 and (later_only or (skip == 0 and _meaningful(body, command))):
            continue  # no command words first: the shape of the request is not understood
        if not _meaningful(body, command):
            continue
        start = offset + skip + (len(body) - len(body.lstrip()))
        kept.append((start, start + len(body.strip())))
    if not kept:
        return None
    end = len(request.rstrip(" .!?"))
    text = " ".join(_clean(request[a:b], final=b >= end) for a, b in kept).strip()
    return Mention(kept[0][0], kept[-1][1], text) if text else None


def leftover_words(request: str, taken: Sequence[Mention], known: Collection[str]) -> list[str]:
    """Content words no slot used and the tool's vocabulary does not explain."""
    vocabulary = set(known) | FILLER | set(_CONNECTORS) | {"from", "as"}
    return [
        w
        for _, piece in _pieces(request, taken)
        for w in words(piece)
        if w not in vocabulary and singular(w) not in vocabulary
    ]


def _pieces(request: str, taken: Sequence[Mention]) -> list[tuple[int, str]]:
    pieces: list[tuple[int, str]] = []
    cursor = 0
    for mention in sorted(taken, key=lambda m: m.start):
        if mention.start > cursor:
            pieces.append((cursor, request[cursor : mention.start]))
        cursor = max(cursor, mention.end)
    pieces.append((cursor, request[cursor:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip(" ,.;:!?-")]


def _command_length(piece: str, command: Collection[str]) -> int:
    """Characters of leading command words, up to and including a connector after them."""
    length, seen, verb = 0, False, False
    for n, match in enumerate(re.finditer(r"\S+\s*", piece)):
        said = match[0].strip().strip(",.!?;:")
        word = said.lower()
        if seen and word in _CONNECTORS:
            return match.end()
        if n > 0 and said[:1].isupper() and said != "I":
            break  # a name ("add Hey Jude"), not a command word
        if verb and word in ACTION_VERBS:
            break
        if word in command or word in FILLER or singular(word) in command:
            length, seen, verb = match.end(), True, verb or word in ACTION_VERBS
            continue
        break
    return length


def _connector_length(piece: str) -> int:
    match = re.match(
        r"\s*[,:;-]?\s*(?:know\b\s*)?(?:(?:that|saying|to|for|about)\b\s*)?", piece, re.IGNORECASE
    )
    return match.end() if match else 0


def _meaningful(text: str, command: Collection[str]) -> bool:
    return any(w not in command and w not in FILLER and w not in _CONNECTORS for w in words(text))


def _next_stop(request: str, start: int, taken: Sequence[Mention]) -> int:
    later = [m.start for m in taken if m.start >= start]
    cues = "|".join(_ROLE_CUES.values())
    cue = re.compile(rf"\s(?:{cues})\b", re.IGNORECASE).search(request, start)
    ends = [*later, len(request)] + ([cue.start()] if cue else [])
    return min(ends)


def _inside(position: int, taken: Sequence[Mention]) -> bool:
    return any(m.start <= position < m.end for m in taken)


_TRAILING = re.compile(
    r"(?:\s+(?:to|for|at|on|in|by|from|with|and|that|of))+\s*$|[\s,;:–-]+$", re.IGNORECASE
)


_POLITE = re.compile(
    r"(?:[\s,]+(?:would you|could you|will you|can you|please|pls|plz|thanks|thank you|thx|"
    r"cheers|ta))+[\s.!?]*$",
    re.IGNORECASE,
)
_PUNCTUATION = re.compile(r"[\s,;:–-]+$")


def _clean(text: str, *, final: bool = False) -> str:
    """Trim a value; a connector at its end belongs to the next slot ("call the bank *on*
    Friday"), unless the value ends the request ("the numbers are in"). Politeness at the end
    ("..., would you", "thanks") is not part of it."""
    text = _POLITE.sub("", text.strip())
    text = (_PUNCTUATION if final else _TRAILING).sub("", text)
    return text.strip(" ,;:–-\"'").rstrip(".!?").strip(" \"'")


def _strip_article(text: str) -> str:
    return re.sub(r"^(?:the|a|an|my)\s+", "", text)
