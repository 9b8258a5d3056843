"""Training for a NumPy model: ``compile``, ``fit``, ``evaluate`` and ``predict`` (chapter 4).

:class:`Trainer` is the base class of :class:`~dlcourse.nn.models.Sequential`, as Keras'
``Trainer`` is the base of its models. The model supplies its ``layers``, ``forward``,
``input_shape`` / ``output_shape``, ``dtype`` and seeded generator ``_rng``; the trainer supplies
the loop. One training step on a batch ``(x, y)``::

    out = x;  for layer in layers: out = layer.forward(out, training=True)
    loss = L(y, out) + Σ regularization penalties
    dout = ∂L/∂out;  for layer in reversed(layers): dout = layer.backward(dout)
    optimizer.apply_gradients(zip(grads, params))

When the last layer is a Dense with a softmax (or sigmoid) activation and the loss is the
matching cross-entropy, the loss is computed from the logits and backpropagation starts at
``∂L/∂z = (p − y) / N``: mathematically the same, and stable. Keras does the same (its
activations hand their logits to the cross-entropy).

Logs follow Keras: the epoch's ``loss`` is the batch-size-weighted mean of the batch losses
(each computed before its update, regularization included), metrics are unweighted means over
the samples, keys are sorted (``accuracy``, ``loss``, ``val_accuracy``, ``val_loss``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from dlcourse._checks import (
    all_finite,
    as_float_array,
    check_probability,
    check_same_length,
    describe,
)
from dlcourse.nn import callbacks as _callbacks
from dlcourse.nn import losses as _losses
from dlcourse.nn import metrics as _metrics
from dlcourse.nn import optimizers as _optimizers
from dlcourse.nn._progbar import Progbar
from dlcourse.nn.layers.dense import Dense

__all__ = ["Trainer"]


class Trainer:
    """``compile`` / ``fit`` / ``evaluate`` / ``predict`` for a model made of NumPy layers."""

    optimizer: Any = None
    loss: _losses.Loss | None = None
    compiled: bool = False
    stop_training: bool = False

    # ---------------------------------------------------------------------------- compile

    def compile(
        self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Sequence[Any] | None = None
    ) -> None:
        """Choose the optimizer, loss and metrics, like ``keras.Model.compile``.

        Args:
            optimizer: name (``"adam"``, ``"sgd"``, ``"rmsprop"``, ``"adagrad"``) or an optimizer
                of :mod:`dlcourse.nn.optimizers`. Defaults to ``"rmsprop"``, as Keras.
            loss: name (``"mse"``, ``"binary_crossentropy"``, ``"categorical_crossentropy"``,
                ``"sparse_categorical_crossentropy"``, …) or a :class:`~dlcourse.nn.losses.Loss`.
            metrics: list of names, e.g. ``["accuracy"]`` (chosen binary, categorical or sparse
                from the loss and output size, as in Keras).
        """
        if loss is None:
            raise ValueError(
                "Argument `loss` is required: e.g. loss='mse' or "
                "loss='sparse_categorical_crossentropy'."
            )
        self.optimizer = _optimizers.get(optimizer)
        self.loss = _losses.get(loss)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, bytes)) or callable(metrics):
            raise ValueError(
                f"Argument `metrics` must be a list, e.g. metrics=['accuracy']. "
                f"Received: metrics={metrics!r}"
            )
        for m in metrics:
            if isinstance(m, str):
                _metrics.get(m, self.loss.name, 2)  # fail early on unknown names
        self._metric_ids = list(metrics)
        self.compiled = True

    def _require_compiled(self, what: str) -> None:
        if not self.compiled:
            raise ValueError(f"You must call compile() before {what}().")

    def _resolved_metrics(self) -> list[tuple[str, Any]]:
        units = self.output_shape[-1]
        return [_metrics.get(m, self.loss.name, units) for m in self._metric_ids]

    def _fused_output(self) -> str | None:
        """``"softmax"`` / ``"sigmoid"`` when the last Dense activation fuses with the loss."""
        last = self.layers[-1]
        if not isinstance(last, Dense) or getattr(self.loss, "from_logits", True):
            return None
        act = last.activation.name
        if act == "softmax" and isinstance(
            self.loss, (_losses.CategoricalCrossentropy, _losses.SparseCategoricalCrossentropy)
        ):
            return act
        if act == "sigmoid" and isinstance(self.loss, _losses.BinaryCrossentropy):
            return act
        return None

    def _loss_and_output(self, xb, yb, weights, training, fused) -> tuple[float, np.ndarray, Any]:
        """Forward pass and loss of one batch: ``(loss, output, dz)``.

        ``dz`` is ``∂L/∂z`` of the last layer when the output activation is fused with the loss
        (backward then starts there), else None.
        """
        # x was checked once for the whole epoch (_check_x), so the layers' checks are skipped.
        out = xb
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            if i == last and fused:
                return self._fused_loss(layer.call_preactivation(out), yb, weights, fused)
            out = layer.call(out, training=training)
        if not all_finite(out):
            raise FloatingPointError(
                "The model's output holds NaN or inf: training diverged (or the weights hold "
                "huge values). Lower the learning rate or check the data."
            )
        values = self.loss.call(yb, out)
        if weights is not None:
            values = values * weights
        loss = (
            float(values.sum() / max(values.size, 1))
            if self.loss.reduction in ("sum_over_batch_size", "mean")
            else float(values.sum())
        )
        return loss, out, None

    def _fused_loss(self, z: np.ndarray, yb, weights, fused: str):
        """Loss from logits ``z``, the probabilities ``p`` and ``dz = ∂L/∂z``.

        For softmax with cross-entropy, per sample: ``L = log Σ_j e^{z_j} − Σ_i t_i z_i`` (with
        ``Σ t = 1``) and ``∂L/∂z = softmax(z) · Σ_i t_i − t``; for integer labels ``y``,
        ``L = log Σ_j e^{z_j} − z_y`` and ``∂L/∂z = softmax(z) − onehot(y)``. For sigmoid with
        binary cross-entropy: ``∂L/∂z = (σ(z) − t) / units``.
        """
        n = z.shape[0]
        if fused == "softmax":
            shifted = z - z.max(axis=-1, keepdims=True)  # log-sum-exp trick: no overflow
            p = np.exp(shifted)
            total = p.sum(axis=-1, keepdims=True)
            p /= total
            log_total = np.log(total[:, 0])
            if isinstance(self.loss, _losses.SparseCategoricalCrossentropy):
                rows, labels = np.arange(n), np.asarray(yb).reshape(n).astype(np.intp)
                values = log_total - shifted[rows, labels]
                dz = p.copy()
                dz[rows, labels] -= 1
            else:
                t = np.asarray(yb, dtype=z.dtype).reshape(z.shape)
                t_sum = t.sum(axis=-1)
                values = log_total * t_sum - (t * shifted).sum(axis=-1)
                dz = p * t_sum[:, None] - t
        else:
            t = np.asarray(yb, dtype=z.dtype).reshape(z.shape)
            e = np.exp(-np.abs(z))
            p = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
            log_sig = np.minimum(z, 0) - np.log1p(e)  # log σ(z)
            log_sig_neg = np.minimum(-z, 0) - np.log1p(e)  # log σ(−z)
            values = -(t * log_sig + (1 - t) * log_sig_neg).mean(axis=-1)
            dz = (p - t) / z.shape[-1]
        if weights is not None:
            values = values * weights
            dz *= weights[:, None]
        if self.loss.reduction in ("sum_over_batch_size", "mean"):
            dz /= n
            loss = float(values.sum()) / n
        else:
            loss = float(values.sum())
        return loss, p, dz.astype(z.dtype, copy=False)

    def _train_step(self, xb, yb, weights, fused) -> tuple[float, np.ndarray]:
        # Overflow while diverging would warn from deep inside NumPy; instead, the non-finite
        # output or loss that it produces stops fit with one clear error.
        with np.errstate(over="ignore", invalid="ignore"):
            return self._train_step_unguarded(xb, yb, weights, fused)

    def _train_step_unguarded(self, xb, yb, weights, fused) -> tuple[float, np.ndarray]:
        loss, out, dz = self._loss_and_output(xb, yb, weights, True, fused)
        # The first layer's input gradient ∂L/∂x is never used: skip computing it.
        first = self.layers[0]
        if fused:
            dout = self.layers[-1].backward_preactivation(dz, need_dx=len(self.layers) > 1)
            layers = self.layers[:-1]
        else:
            dout = self.loss.gradient(yb, out, sample_weight=weights)
            layers = self.layers
        for layer in reversed(layers):
            dout = layer.backward(dout, need_dx=layer is not first)
        if any(layer.regularizers for layer in self.layers):
            loss += self.regularization_loss()
        grads, params = [], []
        for layer in self.layers:
            if layer.trainable:
                for key, param in layer.params.items():
                    params.append(param)
                    grads.append(layer.grads[key])
        if params:
            # The gradients are the model's own (right shapes and dtype), and fit checks every
            # batch's loss, so the optimizer's per-array input checks are skipped here.
            self.optimizer._apply_unchecked(grads, params)
        return loss, out

    # ------------------------------------------------------------------------ data checks

    def _check_x(self, x: Any, name: str = "x") -> np.ndarray:
        arr = as_float_array(x, name, dtype=None, min_ndim=2)
        if len(arr) == 0:
            raise ValueError(f"Argument `{name}` holds no samples. Received: shape {arr.shape}")
        if arr.dtype != self.dtype:
            arr = arr.astype(self.dtype)
        self._build_from_data(arr)
        expected = self.input_shape
        if arr.shape[1:] != expected[1:]:
            raise ValueError(
                f"Model {self.name!r} expected `{name}` of shape "
                f"{('None',) + expected[1:]}, received shape {arr.shape}".replace("'None'", "None")
            )
        return arr

    def _check_y(self, y: Any, n: int, name: str = "y") -> np.ndarray:
        arr = np.asarray(y)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(f"Argument `{name}` must hold numbers. Received: {describe(arr)}")
        if arr.ndim == 0:
            raise ValueError(f"Argument `{name}` must have one entry per sample. Received a scalar")
        if not all_finite(arr):
            raise ValueError(
                f"Argument `{name}` must be finite, but it holds "
                f"{int((~np.isfinite(arr)).sum())} NaN or inf value(s)."
            )
        # Let the loss check the label format against predictions of the model's output shape
        # (a broadcast view: no memory): a sparse loss refuses one-hot labels, a categorical
        # loss refuses integer labels, binary targets must lie in [0, 1], and so on.
        probe = np.broadcast_to(self.dtype.type(0.5), (len(arr),) + tuple(self.output_shape[1:]))
        try:
            self.loss.check_targets(arr, probe)
        except ValueError as exc:
            raise ValueError(
                f"Argument `{name}` does not fit the loss {self.loss.name!r} and "
                f"the model's output shape {self.output_shape}: {exc}"
            ) from None
        return arr

    def _sample_weights(self, y: np.ndarray, class_weight, sample_weight, n: int):
        if class_weight is None and sample_weight is None:
            return None
        weights = np.ones(n, dtype=self.dtype)
        if sample_weight is not None:
            sw = as_float_array(sample_weight, "sample_weight", dtype=self.dtype, ndim=1)
            check_same_length(sw, y, "sample_weight", "y")
            if sw.size and sw.min() < 0:
                raise ValueError(
                    f"Argument `sample_weight` must be non-negative. Received a minimum of "
                    f"{sw.min()}"
                )
            weights = weights * sw
        if class_weight is not None:
            if not isinstance(class_weight, dict):
                raise ValueError(
                    f"Argument `class_weight` must be a dict {{class: weight}}. "
                    f"Received: {class_weight!r}"
                )
            labels = y.reshape(n, -1)
            labels = labels[:, 0] if labels.shape[1] == 1 else labels.argmax(axis=1)
            labels = np.round(labels).astype(np.int64)
            missing = sorted(set(np.unique(labels).tolist()) - set(class_weight))
            if missing:
                raise ValueError(f"Argument `class_weight` has no weight for class(es) {missing}")
            table = np.array(
                [class_weight.get(c, 1.0) for c in range(labels.max() + 1)], dtype=self.dtype
            )
            weights = weights * table[labels]
        return weights

    # ------------------------------------------------------------------------------- fit

    def fit(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        epochs: int = 1,
        verbose: int | str = "auto",
        callbacks: Sequence[_callbacks.Callback] | None = None,
        validation_split: float = 0.0,
        validation_data: tuple | None = None,
        shuffle: bool = True,
        class_weight: dict | None = None,
        sample_weight: Any = None,
        initial_epoch: int = 0,
    ) -> _callbacks.History:
        """Train for ``epochs`` passes over ``(x, y)``, like ``keras.Model.fit``.

        Args:
            x: inputs, shape ``(N, ...)`` matching the model's input.
            y: targets: integer labels for a sparse loss, one-hot rows for a categorical one,
                0/1 for binary cross-entropy, values for mean squared error.
            batch_size: samples per gradient step. Defaults to 32.
            epochs: passes over the data. Defaults to 1.
            verbose: ``"auto"`` (= 1), 0 (silent), 1 (progress bar), 2 (one line per epoch).
            callbacks: list of :class:`~dlcourse.nn.callbacks.Callback`.
            validation_split: fraction in ``[0, 1)`` of the data, taken from the end before
                shuffling, to evaluate on after each epoch (Keras' rule).
            validation_data: ``(x_val, y_val)`` to evaluate on after each epoch.
            shuffle: shuffle the training data every epoch (with the model's seeded generator).
            class_weight: ``{class: weight}`` multiplying each sample's loss.
            sample_weight: per-sample weights, shape ``(N,)``.
            initial_epoch: epoch to start counting from. Defaults to 0.

        Returns:
            A :class:`~dlcourse.nn.callbacks.History`; ``history.history`` maps ``"loss"``, each
            metric and their ``"val_"`` forms to one value per epoch.
        """
        self._require_compiled("fit")
        if x is None or y is None:
            raise ValueError("fit() needs both `x` and `y`.")
        x = self._check_x(x)
        y = self._check_y(y, len(x))
        check_same_length(x, y)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
            check_same_length(x, sample_weight, "x", "sample_weight")
        batch_size = _check_batch_size(batch_size)
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(
                f"Argument `epochs` must be a non-negative integer. Received: epochs={epochs!r}"
            )
        verbose = _check_verbose(verbose)
        validation_split = check_probability(validation_split, "validation_split")
        if validation_data is not None and validation_split:
            raise ValueError("Pass either `validation_data` or `validation_split`, not both.")
        if validation_split:
            split = int(math.floor(len(x) * (1.0 - validation_split)))
            if split == 0 or split == len(x):
                raise ValueError(
                    f"validation_split={validation_split} leaves no training or no "
                    f"validation samples out of {len(x)}."
                )
            validation_data = (x[split:], y[split:])
            x, y = x[:split], y[:split]
            if sample_weight is not None:
                sample_weight = sample_weight[:split]
        if validation_data is not None:
            validation_data = self._check_validation_data(validation_data)
        weights = self._sample_weights(y, class_weight, sample_weight, len(x))
        n = len(x)
        steps = max(1, math.ceil(n / batch_size))
        history = _callbacks.History()
        cbs = [*(callbacks or []), history]
        for cb in cbs:
            if not isinstance(cb, _callbacks.Callback):
                raise TypeError(
                    f"Argument `callbacks` must hold dlcourse.nn.callbacks.Callback objects. "
                    f"Received: {describe(cb)}. (For a Keras callback, use the Keras model.)"
                )
            cb.set_model(self)
            cb.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
        fused = self._fused_output()
        metrics = self._resolved_metrics()
        # The running averages are handed out after every batch only if someone reads them: a
        # progress bar, or a callback that overrides on_train_batch_end.
        batch_logs_wanted = verbose == 1 or any(
            getattr(cb.on_train_batch_end, "__func__", None)
            is not _callbacks.Callback.on_train_batch_end
            for cb in cbs
        )
        self.stop_training = False
        for cb in cbs:
            cb.on_train_begin({})
        epoch_logs: dict[str, float] = {}
        for epoch in range(initial_epoch, epochs):
            if self.stop_training:
                break
            for cb in cbs:
                cb.on_epoch_begin(epoch, {})
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs}")
            bar = Progbar(steps, verbose)
            order = self._rng.permutation(n) if shuffle else None
            sums = {"loss": 0.0, **{name: 0.0 for name, _ in metrics}}
            seen = 0
            for step in range(steps):
                idx = slice(step * batch_size, min(n, (step + 1) * batch_size))
                if order is not None:
                    idx = order[idx]
                xb, yb = x[idx], y[idx]
                wb = None if weights is None else weights[idx]
                for cb in cbs:
                    cb.on_train_batch_begin(step, {})
                loss, out = self._train_step(xb, yb, wb, fused)
                if not np.isfinite(loss):
                    raise FloatingPointError(
                        f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1}: "
                        "training diverged. Lower the learning rate or check the data."
                    )
                m = len(xb)
                seen += m
                sums["loss"] += loss * m
                for name, fn in metrics:
                    sums[name] += float(fn(yb, out).sum())
                if batch_logs_wanted:
                    logs = _sorted_logs({k: v / seen for k, v in sums.items()})
                    for cb in cbs:
                        cb.on_train_batch_end(step, logs)
                    bar.update(step + 1, logs)
            # Like Keras' `metrics`, these are unweighted (sample and class weights change the
            # loss only; Keras weights just its separate `weighted_metrics`).
            epoch_logs = _sorted_logs({k: v / seen for k, v in sums.items()})
            if validation_data is not None:
                val = self.evaluate(
                    *validation_data, batch_size=batch_size, verbose=0, return_dict=True
                )
                epoch_logs.update({f"val_{k}": v for k, v in val.items()})
            bar.update(steps, epoch_logs, final=True)
            for cb in cbs:
                cb.on_epoch_end(epoch, epoch_logs)
        for cb in cbs:
            cb.on_train_end(epoch_logs)
        self.history = history
        return history

    def _check_validation_data(self, validation_data) -> tuple[np.ndarray, np.ndarray]:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                "Argument `validation_data` must be a tuple (x_val, y_val). "
                f"Received: {describe(validation_data)}"
            )
        xv = self._check_x(validation_data[0], "validation_data[0]")
        yv = self._check_y(validation_data[1], len(xv), "validation_data[1]")
        check_same_length(xv, yv, "validation_data[0]", "validation_data[1]")
        return xv, yv

    # --------------------------------------------------------------- evaluate and predict

    def evaluate(
        self,
        x: Any = None,
        y: Any = None,
        batch_size: int | None = None,
        verbose: int | str = "auto",
        sample_weight: Any = None,
        return_dict: bool = False,
    ) -> float | list[float] | dict[str, float]:
        """Loss (with regularization) and metrics on ``(x, y)``, like ``keras.Model.evaluate``.

        Returns:
            The loss alone when no metrics were compiled, else ``[loss, metric, ...]``; or a
            dict when ``return_dict=True``.
        """
        self._require_compiled("evaluate")
        if x is None or y is None:
            raise ValueError("evaluate() needs both `x` and `y`.")
        x = self._check_x(x)
        y = self._check_y(y, len(x))
        check_same_length(x, y)
        batch_size = _check_batch_size(batch_size)
        verbose = _check_verbose(verbose)
        weights = self._sample_weights(y, None, sample_weight, len(x))
        fused = self._fused_output()
        metrics = self._resolved_metrics()
        n = len(x)
        steps = max(1, math.ceil(n / batch_size))
        bar = Progbar(steps, verbose)
        sums = {"loss": 0.0, **{name: 0.0 for name, _ in metrics}}
        reg = self.regularization_loss()
        for step in range(steps):
            idx = slice(step * batch_size, min(n, (step + 1) * batch_size))
            wb = None if weights is None else weights[idx]
            loss, out, _ = self._loss_and_output(x[idx], y[idx], wb, False, fused)
            m = len(x[idx])
            sums["loss"] += (loss + reg) * m
            for name, fn in metrics:
                sums[name] += float(fn(y[idx], out).sum())
            bar.update(step + 1)
        logs = {"loss": sums["loss"] / n}
        for name, _ in metrics:
            logs[name] = sums[name] / n
        bar.update(steps, _sorted_logs(logs), final=True)
        if return_dict:
            return _sorted_logs(logs)
        if not metrics:
            return logs["loss"]
        return [logs["loss"], *(logs[name] for name, _ in metrics)]

    def predict(
        self, x: Any, batch_size: int | None = None, verbose: int | str = "auto"
    ) -> np.ndarray:
        """Outputs of the model for ``x``, computed in batches (``training=False``)."""
        x = self._check_x(x)
        batch_size = _check_batch_size(batch_size)
        verbose = _check_verbose(verbose)
        n = len(x)
        steps = max(1, math.ceil(n / batch_size))
        bar = Progbar(steps, verbose)
        outs = []
        for step in range(steps):
            outs.append(self.forward(x[step * batch_size : (step + 1) * batch_size]))
            bar.update(step + 1)
        bar.update(steps, final=True)
        return np.concatenate(outs, axis=0)


def _sorted_logs(logs: dict[str, float]) -> dict[str, float]:
    """Keras' log order: alphabetical (``accuracy`` before ``loss``)."""
    return {k: float(logs[k]) for k in sorted(logs)}


def _check_batch_size(batch_size: Any) -> int:
    if batch_size is None:
        return 32
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, (int, np.integer))
        or (batch_size <= 0)
    ):
        raise ValueError(
            f"Argument `batch_size` must be a positive integer. Received: batch_size={batch_size!r}"
        )
    return int(batch_size)


def _check_verbose(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2) or isinstance(verbose, bool):
        raise ValueError(
            f"Argument `verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}"
        )
    return int(verbose)
