"""Run the widgets demo notebook headless (nbclient, a real kernel), as nbval and nbconvert do.

Checks what a notebook stores for each widget: the widget view, a static ``image/png`` and a
stable ``text/plain``; and that LiveLoss updates one display (a display handle, not a growing
list of outputs, not ``clear_output``).
"""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

DEMO = Path(__file__).parent / "browser" / "widgets_demo.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(DEMO, as_version=4)
    path = tmp_path_factory.mktemp("demo")
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(path)}}
    ).execute()
    return nb


def _code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _is_png(b64: str) -> bool:
    return base64.b64decode(b64)[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_errors_or_stderr(executed):
    for cell in _code_cells(executed):
        for output in cell.outputs:
            assert output.output_type != "error", output
            assert output.get("name") != "stderr", output


@pytest.mark.parametrize(
    ("index", "text"),
    [
        (
            0,
            "OptimizerRace(surface='rosenbrock', optimizers=['SGD', 'Momentum', 'Adagrad', "
            "'RMSprop', 'Adam'], step=300/300)",
        ),
        (2, "Neuron(w1=1.00, w2=1.00, b=0.00, activation='sigmoid', dataset='blobs')"),
        (
            3,
            "Playground(dataset='circle', network='2–4–4–1 tanh', loss='cross-entropy', "
            "learning_rate=0.1, regularization='none', batch_size=10, epoch=0)",
        ),
    ],
)
def test_widget_outputs_carry_view_png_and_stable_text(executed, index, text):
    (output,) = _code_cells(executed)[index].outputs
    assert output.output_type == "execute_result"
    assert set(output.data) == {"text/plain", "image/png", WIDGET_VIEW}
    assert output.data["text/plain"] == text
    assert _is_png(output.data["image/png"])


def test_liveloss_updates_one_display(executed):
    outputs = _code_cells(executed)[1].outputs
    assert len(outputs) == 1  # updated in place through its display handle
    (output,) = outputs
    assert output.output_type == "display_data"
    assert set(output.data) == {"text/plain", "image/png"}
    # The same text as its first display, so nbval (which ignores display updates) can compare.
    assert output.data["text/plain"] == (
        "LiveLoss(metrics=['accuracy', 'loss', 'val_accuracy', 'val_loss'])"
    )
    assert _is_png(output.data["image/png"])
