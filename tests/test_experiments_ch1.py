"""Tests of chapter 1's experiments: the nested-regions figure, the digits example, parameters
and FLOPs of the documents' models (formula = dlcourse.nn = Keras), one training step, and the
timing helpers (their results' form only: timings are never asserted)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import models_zoo  # noqa: E402
from dlcourse.experiments import ch1_background as ch1  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------- AI ⊃ ML ⊃ DL


def test_regions_are_nested_and_labelled():
    ax = ch1.draw_ai_ml_dl()
    ellipses = ax.patches
    assert len(ellipses) == 3
    for outer, inner in zip(ellipses[:-1], ellipses[1:], strict=True):
        boundary = inner.get_patch_transform().transform(inner.get_path().vertices)
        assert (
            outer.get_path()
            .contains_points(outer.get_patch_transform().inverted().transform(boundary))
            .all()
        )
        assert inner.width * inner.height < outer.width * outer.height
    texts = [t.get_text() for t in ax.texts]
    for label in ("Artificial intelligence", "Machine learning", "Deep learning"):
        assert label in texts
    assert texts.index("Artificial intelligence") < texts.index("Deep learning")


def test_draw_into_given_axes_and_reject_others():
    _, ax = plt.subplots()
    assert ch1.draw_ai_ml_dl(ax) is ax
    with pytest.raises(TypeError, match=r"Argument `ax` must be a matplotlib Axes"):
        ch1.draw_ai_ml_dl("axes")


# ------------------------------------------------------------------------------ digits


def test_digits_example_learns_and_is_deterministic():
    first = ch1.train_digits(hidden_units=16, epochs=8, seed=3)
    second = ch1.train_digits(hidden_units=16, epochs=8, seed=3)
    assert first.x_test.shape == (270, 64) and first.y_test.shape == (270,)
    assert first.test_accuracy > 0.8  # chance is 0.1
    assert first.test_accuracy == pytest.approx((first.predictions == first.y_test).mean())
    losses = first.history.history["loss"]
    assert len(losses) == 8 and losses[-1] < 0.5 * losses[0]
    assert "val_loss" in first.history.history
    np.testing.assert_array_equal(first.predictions, second.predictions)
    assert first.model.count_params() == (64 + 1) * 16 + (16 + 1) * 10


def test_digit_predictions_figure_marks_errors_in_red():
    result = ch1.train_digits(hidden_units=8, epochs=1, seed=0)
    fig = ch1.show_digit_predictions(result, count=10, columns=5)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 10 and len(shown) == 10
    for i, ax in enumerate(shown):
        wrong = result.predictions[i] != result.y_test[i]
        assert ax.get_title().startswith(f"pred {result.predictions[i]}\n")
        assert matplotlib.colors.same_color(ax.title.get_color(), "r" if wrong else "k")
        np.testing.assert_array_equal(ax.images[0].get_array(), result.x_test[i].reshape(8, 8))


def test_digits_bad_input():
    with pytest.raises(ValueError, match=r"Argument `hidden_units` must be a positive integer"):
        ch1.train_digits(hidden_units=0)
    with pytest.raises(ValueError, match=r"Received: epochs=2.5"):
        ch1.train_digits(epochs=2.5)
    with pytest.raises(TypeError, match=r"Argument `result` must be what train_digits returns"):
        ch1.show_digit_predictions({"x": 1})


# ---------------------------------------------------------------- parameters and FLOPs


@pytest.mark.parametrize("name", models_zoo.names())
def test_layer_costs_match_dlcourse_nn_layer_by_layer(name):
    model = models_zoo.build(name, "numpy", seed=0, compile=False)
    costs = ch1.layer_costs(name)
    assert [row["layer"] for row in costs] == [type(layer).__name__ for layer in model.layers]
    shape = model.input_shape
    for row, layer in zip(costs, model.layers, strict=True):
        shape = layer.compute_output_shape(shape)
        assert (None, *row["output_shape"]) == tuple(shape)
        assert row["params"] == layer.count_params()


def test_layer_costs_at_the_course_input_shapes():
    for name in models_zoo.names():
        shape = models_zoo.spec(name).course_input_shape
        model = models_zoo.build(name, "numpy", input_shape=shape, seed=0, compile=False)
        costs = ch1.layer_costs(name, input_shape=shape)
        assert sum(row["params"] for row in costs) == model.count_params()


def test_flops_by_hand():
    dense = ch1.layer_costs("doc0_mlp")
    assert [row["flops"] for row in dense] == [2 * 784 * 32, 2 * 32 * 10]
    conv = ch1.layer_costs("doc1_cnn")
    assert conv[0]["output_shape"] == (26, 26, 32) and conv[1]["output_shape"] == (13, 13, 32)
    assert conv[0]["flops"] == 2 * 3 * 3 * 1 * 32 * 26 * 26
    assert conv[0]["params"] == (3 * 3 * 1 + 1) * 32
    assert conv[2]["output_shape"] == (13 * 13 * 32,)
    assert conv[3]["flops"] == 2 * 5408 * 10 and conv[3]["params"] == 5409 * 10
    assert ch1.training_step_flops("doc0_mlp", batch_size=32) == 3 * 32 * (50176 + 640)
    # A dense network's training step costs about 6 · weights · batch FLOPs.
    weights = 784 * 32 + 32 * 10
    assert ch1.training_step_flops("doc0_mlp", batch_size=10) == 6 * weights * 10


def test_parameter_table_agrees_three_ways(keras):
    rows = ch1.parameter_table()
    assert [r["name"] for r in rows] == list(models_zoo.names())
    expected = {"doc0_mlp": 25_450, "doc1_xor": 41, "doc1_cnn": 54_410, "doc2_mlp": 11_274,
                "doc3_binary": 433, "doc4_binary": 10_689}  # fmt: skip
    for row in rows:
        assert row["formula"] == row["numpy"] == row["keras"] == expected[row["name"]]
        assert row["megabytes"] == f"{4 * row['formula'] / 1e6:.3f}"
    table = ch1.markdown_table(rows, [("name", "model"), ("keras", "Keras")])
    assert table.splitlines()[2] == "| doc0_mlp | 25,450 |"


def test_parameter_table_without_keras_and_bad_input():
    rows = ch1.parameter_table(["doc1_xor"], keras=False)
    assert rows[0]["keras"] is None and rows[0]["numpy"] == 41
    with pytest.raises(ValueError, match=r"Argument `keras` must be True or False"):
        ch1.parameter_table(keras="yes")
    with pytest.raises(ValueError, match=r"Argument `name` must be one of"):
        ch1.parameter_table(["doc9"], keras=False)
    with pytest.raises(ValueError, match=r"Argument `input_shape` of 'doc1_cnn' must be 3"):
        ch1.layer_costs("doc1_cnn", input_shape=(28, 28))
    with pytest.raises(ValueError, match=r"Received: batch_size=0"):
        ch1.training_step_flops("doc0_mlp", batch_size=0)


def test_markdown_table_format_and_bad_input():
    rows = [{"a": 1234567, "b": "x"}, {"a": True, "b": 2.34567}]
    assert ch1.markdown_table(rows, [("a", "A"), ("b", "B")]) == (
        "| A | B |\n|---|---|\n| 1,234,567 | x |\n| True | 2.35 |"
    )
    with pytest.raises(TypeError, match=r"Argument `rows` must be a list of dicts"):
        ch1.markdown_table({"a": 1}, [("a", "A")])
    with pytest.raises(ValueError, match=r"Argument `columns` must name at least one column"):
        ch1.markdown_table(rows, [])


# ------------------------------------------------------------------- one training step


@pytest.mark.parametrize("name", ["doc0_mlp", "doc1_xor", "doc2_mlp", "doc1_cnn"])
def test_numpy_train_step_is_one_step_of_fit(name):
    """[0]'s four steps give the same update as fit on one batch (which fuses softmax/sigmoid
    with the cross-entropy), in float64."""
    shape = models_zoo.spec(name).course_input_shape if name == "doc1_cnn" else None
    x, y = models_zoo.random_data(name, 16, seed=1, input_shape=shape, dtype="float64")
    stepped = models_zoo.build(name, "numpy", input_shape=shape, seed=2, dtype="float64")
    fitted = models_zoo.build(name, "numpy", input_shape=shape, seed=2, dtype="float64")
    loss = ch1.numpy_train_step(stepped, x, y)
    history = fitted.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    assert loss == pytest.approx(history.history["loss"][0], rel=1e-10)
    moved = False
    for a, b, before in zip(
        stepped.get_weights(),
        fitted.get_weights(),
        models_zoo.build(name, "numpy", input_shape=shape, seed=2, dtype="float64").get_weights(),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
        moved = moved or not np.allclose(a, before)
    assert moved


def test_numpy_train_step_needs_a_compiled_model():
    model = models_zoo.build("doc1_xor", "numpy", seed=0, compile=False)
    x, y = models_zoo.random_data("doc1_xor", 4, seed=0)
    with pytest.raises(ValueError, match=r"Argument `model` must be a compiled dlcourse\.nn"):
        ch1.numpy_train_step(model, x, y)


def test_time_training_steps_reports_every_model_without_asserting_speed():
    rows = ch1.time_training_steps(["doc1_xor", "doc3_binary"], repeats=1, backends=["numpy"])
    assert [r["name"] for r in rows] == ["doc1_xor", "doc3_binary"]
    for row in rows:
        assert set(row) == {"name", "flops", "numpy_ms", "numpy_gflops"}
        assert row["flops"] == ch1.training_step_flops(row["name"], 32)
        assert row["numpy_ms"] > 0
        assert row["numpy_gflops"] == pytest.approx(row["flops"] / row["numpy_ms"] / 1e6)


def test_time_training_steps_with_tensorflow(keras):
    rows = ch1.time_training_steps(["doc1_xor"], repeats=1, backends=["tensorflow"])
    assert rows[0]["tensorflow_ms"] > 0 and "numpy_ms" not in rows[0]


def test_timing_bad_input():
    with pytest.raises(ValueError, match=r"Argument `backends` must be a non-empty list"):
        ch1.time_training_steps(backends="numpy")
    with pytest.raises(ValueError, match=r"Argument `backends` must be one of"):
        ch1.time_training_steps(["doc1_xor"], backends=["jax"])
    with pytest.raises(ValueError, match=r"Received: repeats=0"):
        ch1.time_training_steps(repeats=0)
    with pytest.raises(ValueError, match=r"Argument `widths` must be a non-empty list"):
        ch1.dense_scaling(widths=64)
    with pytest.raises(ValueError, match=r"Received: widths=0"):
        ch1.dense_scaling(widths=[8, 0])
    with pytest.raises(ValueError, match=r"Argument `backends` must be one of"):
        ch1.dense_scaling(widths=[8], backends=["torch"])
    with pytest.raises(TypeError, match=r"Argument `result` must be what dense_scaling returns"):
        ch1.plot_scaling([1, 2])


# ------------------------------------------------------------------ time against FLOPs


def test_dense_scaling_result_and_plot():
    result = ch1.dense_scaling(widths=[8, 16], batch_size=4, repeats=1, backends=["numpy"])
    np.testing.assert_array_equal(result["widths"], [8, 16])
    np.testing.assert_array_equal(result["flops"], [6 * 64 * 4, 6 * 256 * 4])
    assert result["numpy_seconds"].shape == (2,) and (result["numpy_seconds"] > 0).all()
    ax = ch1.plot_scaling(result)
    (line,) = [ln for ln in ax.lines if ln.get_label() == "NumPy (dlcourse.nn)"]
    np.testing.assert_array_equal(line.get_xdata(), result["flops"])
    np.testing.assert_array_equal(line.get_ydata(), result["numpy_seconds"])


@pytest.mark.parametrize("backend", ["numpy", "tensorflow"])
def test_the_timed_dense_step_computes_the_backward_pass_and_the_update(backend, request):
    """The timed step returns dx = dout Wᵀ, then moves W by −0.01 · xᵀ dout: so two steps
    differ by dx₁ − dx₂ = 0.01 · dout (xᵀ dout)ᵀ, whatever the initial W."""
    if backend == "tensorflow":
        request.getfixturevalue("keras")
    make = {"numpy": ch1._numpy_dense_step, "tensorflow": ch1._tensorflow_dense_step}[backend]
    width, batch = 6, 5
    rng = np.random.default_rng(4)  # the step draws x, then dout, from the same seed
    x = rng.standard_normal((batch, width)).astype(np.float32)
    dout = rng.standard_normal((batch, width)).astype(np.float32)
    step = make(width, batch, seed=4)
    dx_1, dx_2 = np.array(step()), np.array(step())
    assert dx_1.shape == (batch, width)
    np.testing.assert_allclose(dx_1 - dx_2, 0.01 * dout @ (x.T @ dout).T, rtol=1e-4, atol=1e-5)
