"""The widgets in a real browser: JupyterLab on 127.0.0.1, Debian's chromium, Playwright.

Opens ``widgets_demo.ipynb``, runs it through the Run menu, waits for every widget to render,
keeps a screenshot of each in ``test-artifacts/``, presses Play on the optimizer race and Step
on the playground, nudges a neuron slider with the keyboard, and checks that each picture
changes and that no "Error displaying widget" or traceback appears.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.browser

CODE_CELLS = 4  # race, live loss, neuron, playground
RACE, LIVE, NEURON, PLAYGROUND = range(CODE_CELLS)
TIMEOUT_MS = 60_000
# The notebook in the active tab (other open notebooks stay in the DOM, hidden).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"


@pytest.fixture(scope="module")
def notebook(lab_server, browser, artifacts):
    """A page with the demo notebook open and every cell run; yields ``(page, console)``."""
    base, token, _ = lab_server
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.set_default_timeout(TIMEOUT_MS)
    try:
        _start_kernel(base, token, "widgets_demo.ipynb")
        _open_and_run_all(page, f"{base}/lab/tree/widgets_demo.ipynb?token={token}")
    except Exception:
        _keep_evidence(page, console, artifacts)
        raise
    try:
        yield page, console
    finally:
        _keep_evidence(page, console, artifacts)
        page.close()


def _api(base: str, token: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{base}{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _start_kernel(base: str, token: str, notebook: str) -> None:
    """Start the notebook's kernel session before the page opens.

    JupyterLab then joins this session instead of starting (and, on a busy machine, sometimes
    replacing) a kernel while the page loads.
    """
    body = {"path": notebook, "name": notebook, "type": "notebook", "kernel": {"name": "python3"}}
    _api(base, token, "/api/sessions", body)


def _open_and_run_all(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-CodeCell")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']")
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for()
    # Run ▸ Run All Cells, as a reader would.
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(
        """([selector, n]) => {
            const prompts = [...document.querySelectorAll(selector)];
            return prompts.length === n && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""",
        arg=[f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt", CODE_CELLS],
        timeout=120_000,
    )


def _keep_evidence(page, console: list[str], artifacts) -> None:
    """The browser's console and a screenshot of the page, for a person to look at."""
    (artifacts / "browser_console.log").write_text("\n".join(console) + "\n")
    page.screenshot(path=str(artifacts / "notebook_page.png"))


def _cell(page, index: int):
    return page.locator(f"{NOTEBOOK} .jp-CodeCell").nth(index)


def _widget_image(page, index: int):
    """The first widget ``<img>`` of a cell, once it shows a decoded picture."""
    image = _cell(page, index).locator(".widget-image").first
    image.wait_for(state="visible")
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    return image


def _changes(page, image, action, what: str, timeout_s: float = 20.0) -> bytes:
    """Run ``action`` and wait until ``image``'s pixels differ; return the new screenshot."""
    before = image.screenshot()
    action()
    deadline_ms = timeout_s * 1000
    waited = 0
    while waited < deadline_ms:
        page.wait_for_timeout(250)
        waited += 250
        after = image.screenshot()
        if after != before:
            return after
    pytest.fail(f"{what}: the picture did not change within {timeout_s:.0f} s")


def test_every_widget_renders_and_is_kept_as_a_screenshot(notebook, artifacts):
    page, _ = notebook
    for index, name in ((RACE, "optimizer_race"), (NEURON, "neuron"), (PLAYGROUND, "playground")):
        image = _widget_image(page, index)
        box = image.bounding_box()
        assert box["width"] > 300 and box["height"] > 200, (name, box)
        _cell(page, index).locator(".jp-OutputArea").screenshot(
            path=str(artifacts / f"widget_{name}.png")
        )
    # LiveLoss is a plain PNG display (not a widget), updated in place: one output, one picture.
    live_outputs = _cell(page, LIVE).locator(".jp-OutputArea-output")
    assert live_outputs.count() == 1
    picture = live_outputs.locator("img")
    picture.wait_for(state="visible")
    assert picture.bounding_box()["width"] > 300
    _cell(page, LIVE).locator(".jp-OutputArea").screenshot(
        path=str(artifacts / "widget_liveloss.png")
    )


def test_play_animates_the_race(notebook, artifacts):
    page, _ = notebook
    cell = _cell(page, RACE)
    image = _widget_image(page, RACE)
    readout = cell.locator(".widget-readout").first  # the step slider's
    assert readout.inner_text().strip() == "300"
    play_button = cell.locator(".widget-play button").first

    _changes(page, image, play_button.click, "Play on the optimizer race")
    # The Play control drives the slider in the browser (jslink) ...
    page.wait_for_function("(el) => el.textContent.trim() !== '300'", arg=readout.element_handle())
    step = int(readout.inner_text())
    assert 0 <= step < 300
    cell.locator(".jp-OutputArea").screenshot(
        path=str(artifacts / "widget_optimizer_race_playing.png")
    )
    # ... and the kernel keeps sending new frames.
    _changes(page, image, lambda: None, "the race while playing")
    play_button.click()  # pause


def test_step_trains_the_playground(notebook, artifacts):
    page, _ = notebook
    cell = _cell(page, PLAYGROUND)
    image = _widget_image(page, PLAYGROUND)
    status = cell.locator(".widget-html").first
    assert "Epoch 0" in status.inner_text()
    _changes(page, image, cell.locator("button", has_text="Step").click, "Step on the playground")
    page.wait_for_function(
        "(el) => el.textContent.includes('Epoch 1')", arg=status.element_handle()
    )
    cell.locator(".jp-OutputArea").screenshot(path=str(artifacts / "widget_playground_step.png"))


def test_a_neuron_slider_moves_with_the_keyboard(notebook):
    page, _ = notebook
    image = _widget_image(page, NEURON)
    handle = _cell(page, NEURON).locator(".noUi-handle").first

    def nudge():
        handle.focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")

    _changes(page, image, nudge, "a neuron weight slider")


def test_a_saved_notebook_shows_the_static_pictures(lab_server, browser, artifacts):
    """Opened without running (as a reader first sees a chapter), each widget shows its PNG."""
    import nbformat
    from nbclient import NotebookClient

    base, token, notebooks = lab_server
    nb = nbformat.read(notebooks / "widgets_demo.ipynb", as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3").execute()  # as `make notebooks`
    nbformat.write(nb, notebooks / "saved_demo.ipynb")
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(f"{base}/lab/tree/saved_demo.ipynb?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell")
        for index in range(CODE_CELLS):
            picture = _cell(page, index).locator(".jp-OutputArea-output img").first
            picture.wait_for(state="visible")
            assert picture.bounding_box()["width"] > 300
        assert page.get_by_text("Error displaying widget").count() == 0
        _cell(page, RACE).locator(".jp-OutputArea").screenshot(
            path=str(artifacts / "saved_optimizer_race.png")
        )
    finally:
        page.screenshot(path=str(artifacts / "saved_notebook_page.png"))
        page.close()


def test_no_widget_errors_or_tracebacks(notebook):
    page, console = notebook
    assert page.get_by_text("Error displaying widget").count() == 0
    outputs = page.locator(f"{NOTEBOOK} .jp-OutputArea").all_inner_texts()
    assert not [text for text in outputs if "Traceback" in text], outputs
    stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert stderr.count() == 0, stderr.all_inner_texts()
    assert not [line for line in console if line.startswith("pageerror")], console
