"""The embedding layer stands on its own: it imports nothing from the harness, and the errors
it raises are the harness's own classes, so the harness's ``except`` clauses catch them."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import assistant_sdk
import embeddings
from assistant_sdk import errors
from embeddings import base
from embeddings.faiss_index import FaissIndex
from embeddings.onnx import OnnxEmbedder

PACKAGE = Path(embeddings.__file__).parent


def imported_modules(source: Path) -> set[str]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {
        n.module
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and not n.level
    }


def test_no_module_of_the_embedding_layer_imports_the_harness() -> None:
    borrowed = {
        f"{path.name}: {module}"
        for path in PACKAGE.glob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in ("assistant_sdk", "app_adapters", "demo")
    }
    assert borrowed == set()


def test_loading_every_embedding_module_leaves_the_harness_unloaded() -> None:
    modules = ", ".join(f"embeddings.{p.stem}" for p in sorted(PACKAGE.glob("[!_]*.py")))
    harness = "sorted(m for m in sys.modules if m.startswith('assistant_sdk'))"
    code = f"import sys, {modules}; print({harness})"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "name",
    [
        "AssistantError",
        "ConfigurationError",
        "MissingDependencyError",
        "RunError",
        "IndexStoreError",
        "ModelNotBuiltError",
    ],
)
def test_the_harness_re_exports_the_embedding_layers_error_classes_themselves(name: str) -> None:
    assert getattr(errors, name) is getattr(base, name) is getattr(assistant_sdk, name)


def test_a_missing_index_file_is_caught_by_the_harness_error_families(tmp_path: Path) -> None:
    with pytest.raises(assistant_sdk.RunError) as caught:
        FaissIndex.load(tmp_path / "absent.idx", fingerprint="model-a")
    assert isinstance(caught.value, assistant_sdk.IndexStoreError)
    assert isinstance(caught.value, assistant_sdk.AssistantError)


def test_a_model_not_in_the_cache_is_caught_as_the_harness_run_error(tmp_path: Path) -> None:
    with pytest.raises(assistant_sdk.ModelNotBuiltError, match="build"):
        OnnxEmbedder.from_cache(tmp_path)


def test_importing_the_embedding_errors_loads_no_numpy() -> None:
    code = "import sys, embeddings.base; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
