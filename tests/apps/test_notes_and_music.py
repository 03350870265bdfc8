from __future__ import annotations

import json

import pytest
from sample_phone import Phone

from assistant_sdk.errors import ToolError


async def test_full_text_search_finds_words_in_the_body_by_prefix(phone: Phone) -> None:
    found = await phone("search_notes", query="passp")
    assert [n["title"] for n in found] == ["Packing list"]
    assert "[passport]" in found[0]["snippet"]


async def test_fts_syntax_in_a_query_is_treated_as_plain_words(phone: Phone) -> None:
    await phone("create_note", title="Logic", body='NEAR AND OR "quoted" (x)')
    assert [n["title"] for n in await phone("search_notes", query='AND "quoted')] == ["Logic"]
    assert await phone("search_notes", query='"*()') == []


async def test_appending_to_a_note_is_searchable_from_another_process(phone: Phone) -> None:
    await phone("append_to_note", title="shopping", text="sourdough bread")
    found = await phone.reopen()("search_notes", query="sourdough")
    assert [n["title"] for n in found] == ["Shopping"]


async def test_a_note_title_is_unique_and_deleting_removes_it(phone: Phone) -> None:
    with pytest.raises(ToolError, match="already exists"):
        await phone("create_note", title="gift ideas", body="x")
    await phone("delete_note", title="Gift ideas")
    assert await phone("search_notes", query="gloves") == []
    with pytest.raises(ToolError, match="No note"):
        await phone("append_to_note", title="Gift ideas", text="x")


async def test_playing_a_playlist_queues_its_songs_in_order(phone: Phone) -> None:
    played = await phone("play_music", query="running")
    assert played["now_playing"] == {"title": "Eye of the Tiger", "artist": "Survivor"}
    assert played["queued"] == 4


async def test_playing_an_artist_queues_their_songs_and_pause_pauses(phone: Phone) -> None:
    assert (await phone("play_music", query="miles davis"))["queued"] == 2
    assert await phone.reopen()("pause_music") == {"state": "paused"}


async def test_a_new_playlist_is_an_m3u_file_songs_can_be_added_to(phone: Phone) -> None:
    await phone("create_playlist", name="Road trip")
    added = await phone("add_to_playlist", song="dancing queen", playlist="road trip")
    assert added["songs"] == 1
    m3u = (phone.data_dir / "music" / "playlists" / "Road trip.m3u").read_text()
    assert m3u.splitlines() == [
        "#EXTM3U",
        "#EXTINF:230,ABBA - Dancing Queen",
        "ABBA/Arrival/Dancing Queen.mp3",
    ]
    assert (await phone.reopen()("play_music", query="Road trip"))["queued"] == 1


async def test_a_song_missing_from_the_library_cannot_be_added_or_played(phone: Phone) -> None:
    with pytest.raises(ToolError, match="No song"):
        await phone("add_to_playlist", song="Gangnam Style", playlist="Chill")
    with pytest.raises(ToolError, match="Nothing in your library matches Gangnam Style"):
        await phone("play_music", query="Gangnam Style")


async def test_a_genre_plays_the_songs_of_that_genre(phone: Phone) -> None:
    played = await phone("play_music", query="jazz")
    assert played["now_playing"] == {"title": "So What", "artist": "Miles Davis"}
    assert played["queued"] == 2


async def test_a_genre_the_library_lacks_plays_nothing_and_says_so(phone: Phone) -> None:
    await phone("play_music", query="Blue in Green")
    with pytest.raises(ToolError, match="Nothing in your library matches metal; nothing was"):
        await phone("play_music", query="metal")
    player = json.loads((phone.data_dir / "music" / "player.json").read_text())
    assert player["queue"] == ["Miles Davis/Kind of Blue/Blue in Green.mp3"]


async def test_a_word_inside_another_word_does_not_match(phone: Phone) -> None:
    with pytest.raises(ToolError, match="Nothing in your library matches super"):
        await phone("play_music", query="super")  # "Superstition" holds it, but not as a word


async def test_every_word_of_a_query_must_appear_in_a_song(phone: Phone) -> None:
    played = await phone("play_music", query="beatles jude")
    assert played["now_playing"] == {"title": "Hey Jude", "artist": "The Beatles"}
    assert played["queued"] == 1
