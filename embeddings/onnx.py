"""The default on-device embedder: int8 ONNX MiniLM run with onnxruntime and tokenizers.

Imports only onnxruntime, tokenizers and numpy, never torch. Build the model first with
``assistant-sdk build-model`` (or ``embeddings.build.build_model``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .base import ModelNotBuiltError, Vectors

__all__ = ["OnnxEmbedder", "TokenStates"]


@dataclass(frozen=True, slots=True)
class TokenStates:
    """One text's pooled vector and its encoder token states, from the same forward pass.

    ``states[i]`` belongs to the characters ``text[offsets[i][0]:offsets[i][1]]``; special
    tokens ([CLS], [SEP]) are dropped, so every row is a piece of the text.
    """

    text: str
    vector: Vectors
    states: Vectors
    offsets: tuple[tuple[int, int], ...]
    ids: NDArray[np.int64]
    """The word-piece id of each row."""
    words: NDArray[np.int64]
    """The word (as the tokenizer's pre-tokenizer split the text) each row belongs to."""


class OnnxEmbedder:
    """Sentence embeddings from an exported model folder (``model.onnx`` + ``tokenizer.json``).

    Args:
        model_dir: A folder written by ``embeddings.build``.
        threads: onnxruntime intra-op threads for queries; by default the count the build
            measured fastest on this machine (``meta.json``), else one. Document batches use
            ``batch_threads`` when given.
        max_tokens: Longer inputs are truncated, never rejected.
        batch_size: Documents per inference call (length-sorted, so padding stays small).
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        threads: int | None = None,
        batch_threads: int | None = None,
        max_tokens: int = 128,
        batch_size: int = 32,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = model_dir / "model.onnx"
        if not model.exists():
            raise ModelNotBuiltError(
                f"No exported model in {model_dir}: "
                "run `assistant-sdk build-model` (or `make model`)"
            )
        meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
        self._fingerprint = str(meta["fingerprint"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest
        self._query = self._session(ort, model, threads or int(meta.get("threads", 1)))
        self._batch = self._session(ort, model, batch_threads) if batch_threads else self._query
        self._inputs = {i.name for i in self._query.get_inputs()}
        self._outputs = [o.name for o in self._query.get_outputs()]
        self._dim = int(self._query.get_outputs()[0].shape[-1])
        self.batch_size = batch_size
        self.model_dir = model_dir

    @staticmethod
    def _session(ort: Any, model: Path, threads: int) -> Any:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    @classmethod
    def from_cache(cls, cache_dir: Path, **options: Any) -> OnnxEmbedder:
        """The default model from the cache; ``ModelNotBuiltError`` says how to build it."""
        from .build import default_model_dir

        found = default_model_dir(cache_dir)
        if found is None:
            raise ModelNotBuiltError(
                f"The embedding model is not built in {cache_dir}: run "
                "`assistant-sdk build-model` (or `make model`) once"
            )
        return cls(found, **options)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if len(texts) == 1:
            return self._run(self._query, list(texts))
        return self.embed_documents(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self._run(self._batch, [texts[i] for i in chunk])
        return out

    @property
    def has_token_states(self) -> bool:
        """Whether the model was exported with its token states (``tokens`` output)."""
        return "tokens" in self._outputs

    def embed_tokens(self, texts: Sequence[str]) -> list[TokenStates]:
        """Pooled vectors and token states of ``texts``, in one forward pass per batch.

        The vectors are the ones ``embed_queries`` gives. Raises ``ModelNotBuiltError`` for a
        model exported before token states were part of the graph.
        """
        if not self.has_token_states:
            raise ModelNotBuiltError(
                f"The model in {self.model_dir} has no token states: rebuild it with "
                "`assistant-sdk build-model --force`"
            )
        out: list[TokenStates] = []
        for start in range(0, len(texts), self.batch_size):
            chunk = list(texts[start : start + self.batch_size])
            session = self._query if len(chunk) == 1 else self._batch
            encodings = self._tokenizer.encode_batch(chunk)
            vectors, states = session.run(["embedding", "tokens"], self._feeds(encodings))
            for n, (text, encoding) in enumerate(zip(chunk, encodings, strict=True)):
                keep = [
                    i
                    for i, (mask, special) in enumerate(
                        zip(encoding.attention_mask, encoding.special_tokens_mask, strict=True)
                    )
                    if mask and not special
                ]
                out.append(
                    TokenStates(
                        text,
                        np.asarray(vectors[n], dtype=np.float32),
                        np.asarray(states[n, keep], dtype=np.float32),
                        tuple((int(a), int(b)) for a, b in (encoding.offsets[i] for i in keep)),
                        np.array([encoding.ids[i] for i in keep], dtype=np.int64),
                        np.array([encoding.word_ids[i] for i in keep], dtype=np.int64),
                    )
                )
        return out

    def _feeds(self, encodings: Sequence[Any]) -> dict[str, Any]:
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return {k: v for k, v in feeds.items() if k in self._inputs}

    def _run(self, session: Any, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        (vectors,) = session.run(["embedding"], self._feeds(encodings))
        return np.asarray(vectors, dtype=np.float32)
