"""A second, static encoder: WordLlama's token embeddings, averaged, from the files its
PyPI package carries (``pip install 'assistant-sdk[static]'``).

WordLlama (MIT) keeps only the input token embeddings of large language models, distilled
for sentence similarity: a sentence is the normalised average of its tokens' vectors. It is
evidence of another kind than the contextual MiniLM (another tokenizer, another training
corpus, no attention) and costs well under a millisecond a request. The package ships its
default 256-dimension model; this class loads exactly those files and never downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .base import MissingDependencyError, ModelNotBuiltError, Vectors

__all__ = ["WordLlamaEmbedder"]

_WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
_TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"


class WordLlamaEmbedder:
    """Sentence vectors from the WordLlama model inside the installed ``wordllama`` package."""

    def __init__(self) -> None:
        try:
            import wordllama
            from safetensors import safe_open
            from tokenizers import Tokenizer
            from wordllama.inference import WordLlamaInference
        except ImportError:
            raise MissingDependencyError("wordllama", "static", "WordLlamaEmbedder") from None
        root = Path(wordllama.__file__).parent
        weights, tokenizer = root / _WEIGHTS, root / _TOKENIZER
        missing = [p for p in (weights, tokenizer) if not p.exists()]
        if missing:
            raise ModelNotBuiltError(
                f"The wordllama package lacks {missing[0]}: reinstall it with "
                "`pip install 'assistant-sdk[static]'`"
            )
        with safe_open(str(weights), framework="np", device="cpu") as f:
            table = f.get_tensor("embedding.weight")
        self._model: Any = WordLlamaInference(table, Tokenizer.from_file(str(tokenizer)))
        self._dim = int(table.shape[1])
        self._fingerprint = f"wordllama-{wordllama.__version__}-l2_supercat-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.embed_documents(texts)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = np.asarray(self._model.embed(list(texts), norm=True), dtype=np.float32)
        return vectors.reshape(len(texts), self._dim)
