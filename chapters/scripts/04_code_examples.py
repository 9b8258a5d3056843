# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4 Code examples (具体代码实例和详细解释说明)
#
# Every source document has a section "具体代码实例和详细解释说明", code examples with
# explanations. Between them they print six small Keras programs:
#
# | section | document | model | loss | epochs |
# |---|---|---|---|---|
# | 4.3 | [0] | MLP 784 → Dense(32, relu) → Dense(10, softmax) | sparse categorical cross-entropy | 5 |
# | 4.4 | [1] | XOR: 2 → Dense(10, relu) → Dense(1, sigmoid) | binary cross-entropy | 1000 |
# | 4.5 | [1] | CNN: Conv2D(32, 3×3) → MaxPooling2D(2×2) → Flatten → Dense(10, softmax) | categorical cross-entropy | 10 |
# | 4.6 | [2] | MLP 100 → 64 → 64 → 10 softmax | categorical cross-entropy | 10 |
# | 4.7 | [3] | binary MLP 8 → 16 → 16 → 1 sigmoid, batch 10 | binary cross-entropy | 100 |
# | 4.8 | [4] | binary MLP 100 → 64 → 64 → 1 sigmoid, then `evaluate` | binary cross-entropy | 10 |
#
# All six use the optimizer Adam. This chapter runs each program **twice, side by side**: as
# the document prints it, on TensorFlow's Keras, and the same code on the course's NumPy
# reference `dlcourse.nn`, where only the import lines change. Both runs start from the same
# weights and see the same batches, so they must compute the same numbers; the chapter prints
# the largest difference of their predictions and draws both loss curves in one picture.
# Sections 4.9 and 4.10 then run a model on a GPU and on several devices.
#
# References [0]…[4] are the five source documents (`seeds/000…004`).

# %% [markdown]
# ## Setup (设置)
#
# The parameter cell chooses the images. `"digits"` (the default) are scikit-learn's 1,797
# handwritten digits of 8×8 pixels: they are installed with scikit-learn, so the chapter runs
# offline, in under a minute on a 2-core CPU. `"mnist"` gives the documents' exact shapes
# (28×28 images, 784 inputs) through `dlcourse.data.load_mnist`, which reads MNIST's files
# from `DLCOURSE_DATA_DIR` or Keras' cache, or downloads them (section 4.2).
# `LOGICAL_CPUS` splits the processor into two logical devices, so that section 4.10 can try
# `tf.distribute.MirroredStrategy` without two GPUs.

# %%
DATASET = "digits"  # "digits" (8×8, offline) or "mnist" (28×28, the documents' shapes)
MNIST_LIMIT = 10_000  # MNIST images used per split when DATASET = "mnist"
LOGICAL_CPUS = 2  # logical CPU devices for section 4.10 (1: leave the CPU whole)
SEED = 0

# %% [markdown]
# The setup imports TensorFlow through `dlcourse.tfnn` (which silences its C++ start-up
# lines), makes TensorFlow deterministic (seeded, and the same kernels every run), and hides
# two messages: Keras 3 warns when a layer gets `input_shape=` or `input_dim=` (it prefers a
# separate `keras.Input`), and the documents use both; and TensorFlow notes when it traces a
# new training function, which each of this chapter's many small models does once.

# %%
# ruff: noqa: I001 - the documents' import lines are kept in the documents' order
import warnings

import matplotlib.pyplot as plt
import numpy as np

from dlcourse import device, nn
from dlcourse.exercises import solutions
from dlcourse.experiments import ch4_examples as E
from dlcourse.tfnn import from_keras, keras, tf

cpus = E.split_cpu(LOGICAL_CPUS)  # must come before TensorFlow builds anything
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
tf.get_logger().setLevel("ERROR")  # no "triggered tf.function retracing" notes
results = {}  # the comparison of each example, for the summary in 4.11

# %% [markdown]
# ## 4.1 The workflow: compile, fit, evaluate, predict (编译、训练、评估、预测)
#
# The six programs follow the same four steps, which the documents name in their comments:
#
# | step | Keras call | what happens |
# |---|---|---|
# | build (构建神经网络) | `Sequential([...])` or `model.add(...)` | layers in order; the first one is told the input's shape, which fixes every weight's shape |
# | compile (编译模型) | `model.compile(optimizer, loss, metrics)` | chooses how the weights are updated (`'adam'`), what is minimised (the loss), and what is reported (`['accuracy']`) |
# | fit (训练模型) | `model.fit(x, y, epochs, batch_size)` | trains: returns a `History` of the loss and metrics per epoch |
# | evaluate (评估模型) | `model.evaluate(x, y)` | the loss and metrics on other data, no training |
# | predict (预测) | `model.predict(x)` | the model's outputs: here probabilities |
#
# `fit` runs `epochs` passes over the training rows. Each pass cuts them into batches of
# `batch_size` rows (Keras' default is 32), so an epoch of $n$ rows has $\lceil n / 32 \rceil$
# **steps**. One step: the forward pass on the batch, the loss, its gradient with respect to
# every weight by backpropagation (chapter 3), and one update by the optimizer. The loss that
# `History` reports for an epoch is the mean over the batches, each weighted by its number of
# rows $|B_b|$, of the loss computed *before* that batch's update:
#
# $$ \bar L_{\text{epoch}} = \frac{1}{n} \sum_{b} |B_b| \, L(B_b). $$
#
# `evaluate` computes the same loss on given data with the weights fixed; `predict` returns
# the last layer's outputs, softmax probabilities $p \in [0, 1]^{10}$ (each row summing to 1)
# or one sigmoid probability per row.
#
# **How each example runs here.** A first cell holds the document's code on Keras; a second
# the same code on `dlcourse.nn`, with other import lines. A few things are added to the
# documents' code, each marked `# (added)` (and one line in 4.4 is `# (changed)`, for speed):
#
# * the data, since the documents never define theirs (`x_train = np.array([...])`);
# * `start = model.get_weights()` in the Keras cell and `model.set_weights(start)` in the NumPy
#   cell: the same initial weights (Keras' weight list loads into the NumPy model: same order,
#   same shapes);
# * `verbose=0`, so no progress bar is stored in the notebook;
# * `shuffle=False`. By default `fit` shuffles the rows before every epoch, with its own random
#   generator, so the two libraries would see different batches and end at different (equally
#   good) weights. Our splits are already in random order, so training on them in a fixed order
#   is fine, and the two runs then see the same batches and must agree.

# %% [markdown]
# ## 4.2 Real data instead of `x_train` (真实数据)
#
# The documents train on `x_train`, which [0], [3] and [4] never define, [1] writes as
# `np.array([...])` and [2] calls "a random training data set" (随机的训练数据集). Random data
# has nothing to learn. The course trains every example on real data that ships with its
# dependencies:
#
# * **[0], [1]'s CNN, [2]: handwritten digits.** The documents' shapes are MNIST's: 28×28
#   images, 784 pixels flattened. scikit-learn's digits are 8×8, so [0]'s MLP gets
#   `input_dim=64` and the CNN `input_shape=(8, 8, 1)`: the code reads the shapes from the data
#   (`x_train.shape[1]`), so that `DATASET = "mnist"` gives 784 and 28×28×1 again.
#   [2] asks for 100 inputs. We resample each image to 10×10 pixels, by area (each new pixel is
#   the mean of the old ones it covers, $X \mapsto R X R^\top$ with `E.resampling_matrix`):
#   for the digits that adds no information, for MNIST it removes some, but it is the same
#   digits, honestly shaped to the document's input.
# * **[3] and [4]: breast cancer** (乳腺癌), scikit-learn's table of 569 tumours with 30
#   measurements each, malignant or benign: a real binary task. [3] wants 8 inputs: we keep
#   the 8 measurements that best separate the classes (by the Fisher score, `data.select_features`).
#   [4] wants 100: we add all pairwise products of the 30 standardised measurements
#   (30 + 465 = 495 columns, `data.quadratic_features`) and keep the best 100. Scaling and
#   choosing use the training rows only, so the test rows play no part in them.
#
# Every set is split 80 % / 20 % into training and test rows, by class and seeded.
#
# With `DATASET = "mnist"` the images are MNIST's: the first `MNIST_LIMIT` of its 60,000
# training and 10,000 test images, scaled to [0, 1]. Where only MNIST's test file is found
# (and downloading is off or fails), its first `MNIST_LIMIT` images are split 80 % / 20 %
# instead. That run takes about two minutes on a 2-core CPU with 8,000 training images,
# mostly for the NumPy reference's convolutions on 28×28 images (in float32, and again in
# float64 for the reference run of section 4.3).

# %%
examples = E.load_examples(DATASET, seed=SEED, mnist_limit=MNIST_LIMIT)
print(examples.source)
print(examples.table())

# %% [markdown]
# ## 4.3 Document [0]: an MLP for handwritten digits (多层感知机)
#
# Document [0]'s program: one hidden layer of 32 ReLU units and a softmax output for the ten
# digits, the sparse categorical cross-entropy (integer labels 0–9), Adam, 5 epochs, then
# `predict`. The data:

# %%
x_train, y_train, x_test, y_test = examples.mlp  # (added) the data
print("x_train", x_train.shape, x_train.dtype, "labels", y_train[:10])

# %% [markdown]
# On Keras, as [0] prints it:

# %%
import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

# 构建神经网络
model = Sequential()
model.add(Dense(units=32, activation='relu', input_dim=x_train.shape[1]))  # [0]: input_dim=784
model.add(Dense(units=10, activation='softmax'))
start = model.get_weights()  # (added) the initial weights

# 编译模型
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

# 训练模型
history = model.fit(x_train, y_train, epochs=5, verbose=0, shuffle=False)  # (added) verbose, shuffle

# 预测
predictions = model.predict(x_test, verbose=0)  # (added) verbose
keras_model, keras_history, keras_predictions = model, history, predictions  # (added)

# %% [markdown]
# On NumPy. The import lines change, and the model starts from the Keras model's weights:

# %%
import dlcourse.nn as tf
from dlcourse.nn.models import Sequential
from dlcourse.nn.layers import Dense

# 构建神经网络
model = Sequential()
model.add(Dense(units=32, activation='relu', input_dim=x_train.shape[1]))  # [0]: input_dim=784
model.add(Dense(units=10, activation='softmax'))
model.set_weights(start)  # (added) Keras' initial weights

# 编译模型
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

# 训练模型
history = model.fit(x_train, y_train, epochs=5, verbose=0, shuffle=False)  # (added) verbose, shuffle

# 预测
predictions = model.predict(x_test, verbose=0)  # (added) verbose
numpy_model, numpy_history, numpy_predictions = model, history, predictions  # (added)

# %% [markdown]
# The two runs, compared. Both compute in float32, and float32 rounds every result to about
# 7 significant digits (its machine epsilon is $2^{-23} \approx 1.2 \times 10^{-7}$); oneDNN
# (TensorFlow's CPU library) and NumPy's BLAS add the same numbers in different orders, so
# their roundings differ. To tell such rounding from a real difference, each example also
# trains a third run: the NumPy model from the same start in **float64** (rounding
# $\approx 10^{-16}$), which stands for the exact computation (`E.float64_run`). The printout:
#
# * the largest difference between Keras' and NumPy's predicted probabilities on the test
#   rows, and whether they predict the same class;
# * how far each float32 run ended from the float64 run. Two runs of the same mathematics
#   drift from it by comparable amounts; if one library computed something else, its run would
#   end much farther away than the other's. "float32 rounding only" says the two distances
#   agree within a factor 3 (or the runs agree within $10^{-4}$ anyway; `E.Comparison`);
# * the last epoch's loss and the test accuracy of both.
#
# The picture draws both loss curves (Keras solid, NumPy dashed on top) and, on a log scale,
# the difference of the two losses per epoch beside the difference that rounding alone makes
# (NumPy float32 against float64).

# %%
from dlcourse.tfnn import tf  # (from here on `tf` is TensorFlow again)

reference = E.float64_run(keras_model, start, x_train, y_train, x_test, epochs=5)  # NumPy in float64
results["[0] MLP"] = E.compare(keras_predictions, numpy_predictions, keras_history, numpy_history, y_test, reference)
print(results["[0] MLP"])
E.plot_pair(keras_history, numpy_history, "[0] MLP: Keras and NumPy, same start, same batches", reference[1])
plt.show()

# %% [markdown]
# Five epochs on 1,437 small images already recognise most test digits.
#
# ### `model.summary()` (模型概要)
#
# `summary()` lists the layers, their output shapes (`None` is the batch size, left open) and
# their parameters: $64 \cdot 32 + 32 = 2{,}080$ for the hidden layer, $32 \cdot 10 + 10 = 330$
# for the output layer. After `fit` it also counts the optimizer's state: Adam keeps two
# moving averages per weight, $m$ and $v$, plus its step counter. Keras:

# %%
keras_model.summary()

# %% [markdown]
# and the NumPy reference, whose `summary()` prints the same table:

# %%
numpy_model.summary()
print("identical tables:", E.summary_text(keras_model) == E.summary_text(numpy_model))

# %% [markdown]
# Besides `get_weights` / `set_weights`, the bridge of `dlcourse.tfnn` copies a whole model:
# `from_keras(keras_model)` builds the NumPy model with the same layers, names and weights
# (and `to_keras` goes the other way). The copy of the trained Keras model predicts what it
# predicts:

# %%
twin = from_keras(keras_model)
print(type(twin).__module__, twin.name, [layer.name for layer in twin.layers])
difference = np.abs(twin.predict(x_test, verbose=0) - keras_predictions).max()
print(f"max |from_keras(model) − model| on the test images: {difference:.4f}")

# %% [markdown]
# ### `evaluate` and `predict` (评估与预测)
#
# `predict` returned one row of ten probabilities per test image; the predicted digit is the
# most probable one. The **accuracy** is the fraction of images whose predicted digit is the
# label, which is what `evaluate` reports as `accuracy` beside the loss.
#
# ### Exercise 4.3a: build [0]'s model (练习：构建模型)
#
# Write `build_mlp(input_dim)`: document [0]'s model for `input_dim` inputs, as a
# `dlcourse.nn.Sequential` (or a Keras model).

# %% nbgrader={"grade": false, "grade_id": "ch4_build_mlp", "locked": false, "schema_version": 3, "solution": true}
def build_mlp(input_dim=784):
    """Document [0]'s model: input_dim → Dense(32, relu) → Dense(10, softmax)."""
    ### BEGIN SOLUTION
    return nn.Sequential(
        [
            nn.layers.Dense(32, activation="relu", input_shape=(input_dim,)),
            nn.layers.Dense(10, activation="softmax"),
        ]
    )
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch4_build_mlp_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
from dlcourse.exercises import ch4

ch4.check_build_mlp(build_mlp)

# %% [markdown]
# ### Exercise 4.3b: accuracy from predictions (练习：准确率)
#
# Write `accuracy(y_true, probs)`: the fraction of rows whose most probable class (the
# largest entry of the row of `probs`) equals the integer label in `y_true`.

# %% nbgrader={"grade": false, "grade_id": "ch4_accuracy", "locked": false, "schema_version": 3, "solution": true}
def accuracy(y_true, probs):
    """Fraction of rows of probs (N, C) whose argmax equals y_true (N,)."""
    ### BEGIN SOLUTION
    return float(np.mean(probs.argmax(axis=1) == y_true))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch4_accuracy_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch4.check_accuracy(accuracy)

# %% [markdown]
# The accuracy computed from `predict`'s probabilities (with the course's reference
# `solutions.accuracy`, so this cell runs whatever state the exercise is in) is the one
# `evaluate` reports, on both libraries:

# %%
for name, m, p in (("Keras", keras_model, keras_predictions), ("NumPy", numpy_model, numpy_predictions)):
    loss, acc = m.evaluate(x_test, y_test, verbose=0)
    print(f"{name}: evaluate → loss {loss:.4f}, accuracy {acc:.4f}; from predict: {solutions.accuracy(y_test, p):.4f}")

# %% [markdown]
# ## 4.4 Document [1]: XOR (异或问题)
#
# Document [1]'s first program learns the exclusive or of two bits: 2 inputs, a hidden layer
# of 10 ReLU units, one sigmoid output, the binary cross-entropy, 1,000 epochs on the four rows
# of the truth table. (Chapter 2 shows why XOR needs the hidden layer.) Here the document's
# data is real already. On Keras, building and compiling:

# %%
import numpy as np
import tensorflow as tf

# 定义神经网络的结构
model = tf.keras.Sequential([
    tf.keras.layers.Dense(10, activation='relu', input_shape=(2,)),
    tf.keras.layers.Dense(1, activation='sigmoid')
])
start = model.get_weights()  # (added) the initial weights

# 编译模型
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
keras_model = model  # (added)

# 训练模型
x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_train = np.array([[0], [1], [1], [0]])

# %% [markdown]
# ### Keras' cost per epoch (每轮的开销)
#
# The next line of [1] is `model.fit(x_train, y_train, epochs=1000)`. Four rows make one batch,
# so each epoch is a single training step of a tiny network, and yet 1,000 such epochs take
# Keras many seconds. `E.epoch_cost` measures where the time goes, on copies of the model:
# Keras' `fit` on NumPy arrays (the documents' call), Keras' `fit` on a `tf.data` pipeline
# that repeats the batches, and the NumPy reference's `fit`:

# %%
# NBVAL_IGNORE_OUTPUT
# (timings differ between machines and runs)
cost = E.epoch_cost(keras_model, x_train, y_train)
for way, seconds in cost.items():
    print(f"{way:<14} {seconds * 1e3:7.2f} ms per epoch → {seconds * 1000:6.2f} s for 1,000 epochs")

# %% [markdown]
# On arrays, Keras' `fit` turns the arrays into a `tf.data` pipeline and creates a new
# iterator over it at **every epoch**; that costs tens of milliseconds on this CPU, far more
# than the step itself, and makes the documents' 1,000 epochs take about half a minute. The
# computation is not the problem: fed from a pipeline that repeats the one batch forever, with
# `steps_per_epoch=1` (one step counts as an epoch), Keras makes the iterator once and runs
# the same 1,000 updates in a few seconds. That is what the chapter does: the same 1,000
# full-batch updates, with the same per-epoch `History`, only without the per-epoch overhead.
# (The NumPy reference has no such overhead: its epoch is a Python loop over NumPy arrays.)
# The lesson holds beyond XOR: for tiny models, a framework's fixed cost per call dominates,
# and a GPU cannot remove it.

# %%
xor_batches = tf.data.Dataset.from_tensors((x_train, y_train)).repeat()  # (added) the 4 rows, one batch, again and again
history = model.fit(xor_batches, epochs=1000, steps_per_epoch=1, verbose=0, shuffle=False)  # (changed) see above
keras_history = history  # (added)

# %% [markdown]
# On NumPy, the document's program as printed (imports changed, same initial weights):

# %%
import numpy as np
import dlcourse.nn as tf

# 定义神经网络的结构
model = tf.keras.Sequential([
    tf.keras.layers.Dense(10, activation='relu', input_shape=(2,)),
    tf.keras.layers.Dense(1, activation='sigmoid')
])
model.set_weights(start)  # (added) Keras' initial weights

# 编译模型
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# 训练模型
x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_train = np.array([[0], [1], [1], [0]])
history = model.fit(x_train, y_train, epochs=1000, verbose=0, shuffle=False)  # (added) verbose, shuffle
numpy_model, numpy_history = model, history  # (added)

# %% [markdown]
# Compared on the four rows of the truth table, after 1,000 Adam steps each:

# %%
from dlcourse.tfnn import tf  # (`tf` is TensorFlow again)

keras_predictions = keras_model.predict(x_train, verbose=0)
numpy_predictions = numpy_model.predict(x_train, verbose=0)
reference = E.float64_run(keras_model, start, x_train, y_train, x_train, epochs=1000)  # NumPy in float64
results["[1] XOR"] = E.compare(keras_predictions, numpy_predictions, keras_history, numpy_history, y_train, reference)
print(results["[1] XOR"])
print("x1 x2  XOR  Keras   NumPy")
for (a, b), t, pk, pn in zip(x_train, y_train[:, 0], keras_predictions[:, 0], numpy_predictions[:, 0], strict=True):
    print(f" {a}  {b}    {t}   {pk:.3f}   {pn:.3f}")
E.plot_pair(keras_history, numpy_history, "[1] XOR: 1,000 full-batch epochs", reference[1])
plt.show()

# %% [markdown]
# After 1,000 steps both networks classify the four rows right, with the same probabilities
# to three decimals, but not with much confidence: the loss is still falling. (Adam's default
# learning rate, 0.001, moves each weight by at most about 0.001 per step.)
#
# The two runs agree less closely than in 4.3. Their losses differ in float32's last digit
# (below $10^{-7}$) for some 800 epochs, then by up to about $10^{-5}$, and their predictions
# end about $10^{-4}$ apart; NumPy in float32 and in float64 drift apart steadily, to about
# $10^{-4}$ too (right panel). Neither run is wrong: both carry float32 rounding, and training
# amplified it. Adam divides each gradient by the root of its running mean square, so a
# gradient that is nearly zero (a ReLU unit at its kink, a sum that nearly cancels) turns its
# rounding error into a full-sized step, and 1,000 steps compound such differences. Long
# trainings in float32 agree to the rounding they accumulate, not to $10^{-7}$.
#
# **Does 1,000 epochs always suffice?** The document implies so. `E.xor_restarts` trains [1]'s
# network with the NumPy reference from 20 different initial weights (same layers, loss,
# Adam at 0.001, 1,000 full-batch epochs; about a second), and trains each run that fails
# again, five times longer. A hidden ReLU unit whose input $x w + b$ is $\le 0$ on all four
# rows is **dead** (死亡的 ReLU): its output and its gradient are 0, so no update revives it.

# %%
restarts = E.xor_restarts(seeds=20, epochs=1000, longer=5000)
solved = sum(run["accuracy"] == 1.0 for run in restarts)
print(f"all four rows right after 1,000 epochs: {solved} of {len(restarts)} initial weights")
for run in restarts:
    if run["accuracy"] < 1.0:
        print(f"seed {run['seed']}: p = {run['p'].round(2)}, {run['dead']} of 10 units dead; "
              f"after 5,000 epochs p = {run['p_longer'].round(2)}, accuracy {run['accuracy_longer']:.2f}")

# %% [markdown]
# Most initial weights learn XOR in 1,000 epochs, but not all. The failed runs give the rows
# (0, 0) and (1, 0) the same output, 0.5: their hidden layers, with several dead units, do not
# tell these two rows apart, and for a row labelled 0 and a row labelled 1 that look the same
# the best answer is 0.5. Five times more epochs change nothing: it is a trap, not slowness.
# The usual remedies: train from several initial weights and keep the best, or use more hidden
# units (chapter 2.3 measures how the success rate grows with the width).

# %% [markdown]
# ## 4.5 Document [1]: a convolutional network (卷积神经网络)
#
# Document [1]'s second program is a small CNN: 32 filters of 3×3 (ReLU), 2×2 max pooling,
# flattening, and a softmax layer, for images of 28×28×1, trained 10 epochs. Its loss is
# `categorical_crossentropy`, which expects **one-hot** labels (独热编码): the label 3 becomes
# the row $(0, 0, 0, 1, 0, 0, 0, 0, 0, 0)$.
#
# The data: images as `(n, height, width, channels)`, channels last, and one-hot labels. On
# the digits a 3×3 convolution without padding turns 8×8 into 6×6, the pooling 6×6 into 3×3,
# so `Flatten` gives $3 \cdot 3 \cdot 32 = 288$ features (on MNIST: 26×26, 13×13, 5,408).

# %%
x_train, y_train, x_test, y_test = examples.cnn  # (added) the data
print("x_train", x_train.shape, "y_train", y_train.shape, "first label:", y_train[0])

# %%
import numpy as np
import tensorflow as tf

# 定义卷积神经网络的结构
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=x_train.shape[1:]),  # [1]: (28, 28, 1)
    tf.keras.layers.MaxPooling2D((2, 2)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax')
])
start = model.get_weights()  # (added) the initial weights

# 编译模型
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# 训练模型
# x_train = np.array([...]) # 训练数据   (added: the real images above)
# y_train = np.array([...]) # 训练标签
history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)  # (added) verbose, shuffle
keras_model, keras_history = model, history  # (added)

# %%
import numpy as np
import dlcourse.nn as tf

# 定义卷积神经网络的结构
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=x_train.shape[1:]),  # [1]: (28, 28, 1)
    tf.keras.layers.MaxPooling2D((2, 2)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.set_weights(start)  # (added) Keras' initial weights

# 编译模型
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# 训练模型
history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)  # (added) verbose, shuffle
numpy_model, numpy_history = model, history  # (added)

# %%
from dlcourse.tfnn import tf  # (`tf` is TensorFlow again)

keras_predictions = keras_model.predict(x_test, verbose=0)
numpy_predictions = numpy_model.predict(x_test, verbose=0)
reference = E.float64_run(keras_model, start, x_train, y_train, x_test, epochs=10)  # NumPy in float64
results["[1] CNN"] = E.compare(keras_predictions, numpy_predictions, keras_history, numpy_history, y_test, reference)
print(results["[1] CNN"])
E.plot_pair(keras_history, numpy_history, "[1] CNN: Conv2D → MaxPooling2D → Flatten → Dense", reference[1])
plt.show()

# %% [markdown]
# The convolution is the NumPy reference's `Conv2D` (im2col: every 3×3 patch becomes a row,
# and the convolution one matrix product), and its backward pass is chapter 3's
# backpropagation; they agree with TensorFlow's kernels step after step.
#
# **One-hot or sparse.** For a one-hot label $y$ the categorical cross-entropy
# $-\sum_k y_k \log p_k$ keeps only the true class's term, $-\log p_{\text{label}}$: the
# sparse categorical cross-entropy of section 4.3 on the integer label. So [0]'s and [1]'s
# losses are the same function of two label formats. Checked on the CNN's test predictions,
# with both libraries:

# %%
labels = y_test.argmax(axis=1)  # one-hot rows → integer labels
losses = {
    "Keras, one-hot": keras.losses.categorical_crossentropy(y_test, keras_predictions).numpy(),
    "Keras, sparse": keras.losses.sparse_categorical_crossentropy(labels, keras_predictions).numpy(),
    "NumPy, one-hot": nn.losses.categorical_crossentropy(y_test, keras_predictions),
    "NumPy, sparse": nn.losses.sparse_categorical_crossentropy(labels, keras_predictions),
}
for name, values in losses.items():
    print(f"{name:<15} mean loss {values.mean():.4f}")
print("all four agree to 1e-6:", all(np.allclose(v, losses["Keras, one-hot"], atol=1e-6) for v in losses.values()))

# %% [markdown]
# ## 4.6 Document [2]: two hidden layers, 100 inputs (两个隐藏层)
#
# Document [2] defines "a simple neural network with two hidden layers": 100 inputs, two
# layers of 64 ReLU units, a softmax over 10 classes, the categorical cross-entropy with Adam,
# 10 epochs, then `predict`. Its inputs here are the digits resampled to 10×10 = 100 pixels
# (section 4.2), with one-hot labels. One image before and after resampling:

# %%
x_train, y_train, x_test, y_test = examples.mlp100  # (added) the data
side = examples.cnn.x_train.shape[1]
print(f"first training image, {side}×{side} (ink ≥ 0.5 as #):")
print("\n".join("".join("#" if v >= 0.5 else "." for v in row) for row in examples.cnn.x_train[0, :, :, 0]))
print("the same image resampled to 10×10, the 100 inputs of [2]:")
print("\n".join("".join("#" if v >= 0.5 else "." for v in row) for row in x_train[0].reshape(10, 10)))

# %%
import tensorflow as tf

model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(100,)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax')
])
start = model.get_weights()  # (added) the initial weights

model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])

history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)  # (added) verbose, shuffle

predictions = model.predict(x_test, verbose=0)  # (added) verbose
keras_model, keras_history, keras_predictions = model, history, predictions  # (added)

# %%
import dlcourse.nn as tf

model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(100,)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.set_weights(start)  # (added) Keras' initial weights

model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])

history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)  # (added) verbose, shuffle

predictions = model.predict(x_test, verbose=0)  # (added) verbose
numpy_model, numpy_history, numpy_predictions = model, history, predictions  # (added)

# %%
from dlcourse.tfnn import tf  # (`tf` is TensorFlow again)

reference = E.float64_run(keras_model, start, x_train, y_train, x_test, epochs=10)  # NumPy in float64
results["[2] MLP"] = E.compare(keras_predictions, numpy_predictions, keras_history, numpy_history, y_test, reference)
print(results["[2] MLP"])
E.plot_pair(keras_history, numpy_history, "[2] MLP 100 → 64 → 64 → 10", reference[1])
plt.show()

# %% [markdown]
# A surprise in the right panel: Keras and NumPy, both in float32, stay within $10^{-7}$ of each
# other, while the float64 run drifts away from both, up to a few hundredths in the
# predicted probabilities. Keras and NumPy perform the same float32 operations and round
# almost every one the same way, so they stay together; float64 rounds every operation
# differently, and training amplifies those differences (section 4.4 says how). So the
# precision you train in changes the trained model more than the library does (the test
# accuracy, though, is the same).

# %% [markdown]
# ## 4.7 Document [3]: a binary classifier, batches of 10 (二分类)
#
# Document [3] uses the standalone `keras` package (`from keras.models import Sequential`),
# which is the same Keras 3 that TensorFlow uses. Its model: 8 inputs, two hidden layers of 16
# ReLU units, one sigmoid output for a yes/no answer, the binary cross-entropy, and the only
# explicit batch size of the documents: 100 epochs of batches of 10 rows. (Its comments call
# the first `Dense` "the input layer"; it is the first hidden layer, see chapter 2.4.)
#
# The binary cross-entropy of a label $y \in \{0, 1\}$ and a predicted probability $p$ is
# $-\,[\,y \log p + (1 - y) \log (1 - p)\,]$. The data: the 8 best breast-cancer measurements,
# standardised; the label is 1 for a benign tumour, as a column of shape `(n, 1)`.

# %%
X_train, Y_train, X_test, Y_test = examples.binary8  # (added) the data, named as in [3]
print("X_train", X_train.shape, "Y_train", Y_train.shape, "benign fraction:", round(float(Y_train.mean()), 2))
print(f"{len(X_train)} rows in batches of 10: {-(-len(X_train) // 10)} steps per epoch, {100 * -(-len(X_train) // 10):,} in 100 epochs")

# %%
from keras.models import Sequential
from keras.layers import Dense

# 创建模型
model = Sequential()

# 添加输入层
model.add(Dense(units=16, activation='relu', input_dim=8))

# 添加隐藏层
model.add(Dense(units=16, activation='relu'))

# 添加输出层
model.add(Dense(units=1, activation='sigmoid'))
start = model.get_weights()  # (added) the initial weights

# 编译模型
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# 训练模型
history = model.fit(X_train, Y_train, epochs=100, batch_size=10, verbose=0, shuffle=False)  # (added) verbose, shuffle
keras_model, keras_history = model, history  # (added)

# %%
from dlcourse.nn.models import Sequential
from dlcourse.nn.layers import Dense

# 创建模型
model = Sequential()

# 添加输入层
model.add(Dense(units=16, activation='relu', input_dim=8))

# 添加隐藏层
model.add(Dense(units=16, activation='relu'))

# 添加输出层
model.add(Dense(units=1, activation='sigmoid'))
model.set_weights(start)  # (added) Keras' initial weights

# 编译模型
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# 训练模型
history = model.fit(X_train, Y_train, epochs=100, batch_size=10, verbose=0, shuffle=False)  # (added) verbose, shuffle
numpy_model, numpy_history = model, history  # (added)

# %%
keras_predictions = keras_model.predict(X_test, verbose=0)
numpy_predictions = numpy_model.predict(X_test, verbose=0)
reference = E.float64_run(keras_model, start, X_train, Y_train, X_test, epochs=100, batch_size=10)  # NumPy in float64
results["[3] binary MLP"] = E.compare(keras_predictions, numpy_predictions, keras_history, numpy_history, Y_test, reference)
print(results["[3] binary MLP"])
E.plot_pair(keras_history, numpy_history, "[3] binary MLP, 100 epochs of batches of 10", reference[1])
plt.show()

# %% [markdown]
# The binary cross-entropy of these predictions, by its formula and by both libraries (which
# clip $p$ to $[10^{-7}, 1 - 10^{-7}]$ first, so that $\log 0$ never occurs; chapter 3):

# %%
p = np.clip(keras_predictions, 1e-7, 1 - 1e-7)
by_formula = float(np.mean(-(Y_test * np.log(p) + (1 - Y_test) * np.log(1 - p))))
by_keras = float(np.mean(keras.losses.binary_crossentropy(Y_test, keras_predictions)))
by_numpy = float(np.mean(nn.losses.binary_crossentropy(Y_test, keras_predictions)))
print(f"formula {by_formula:.4f}, Keras {by_keras:.4f}, NumPy {by_numpy:.4f}")
print("agree to 1e-5:", np.allclose([by_keras, by_numpy], by_formula, rtol=0, atol=1e-5))

# %% [markdown]
# 4,600 Adam steps, and Keras and NumPy still agree to within float32 rounding: every step
# is the same mathematics. (After epoch 65 the float64 run parts from both, as in 4.6.) The
# training loss keeps falling long after the first few epochs, while the training accuracy creeps up
# by about two points: with 455 rows and 100 epochs, the later epochs mostly fit the training rows
# better (chapter 6 shows how a validation split and early stopping watch for that).

# %% [markdown]
# ## 4.8 Document [4]: `evaluate` (评估模型)
#
# Document [4] trains "a simple neural network for a binary classification task": 100 inputs,
# two hidden layers of 64 ReLU units, a sigmoid output, 10 epochs, and it is the only document
# that measures its model on test data, with `evaluate`, which returns the loss and the
# accuracy. The data: breast cancer with its pairwise products, the best 100 of 495 columns.
# The two `print` lines round to 4 decimals (added), so that the notebook's stored output stays
# the same from one run to the next.

# %%
x_train, y_train, x_test, y_test = examples.binary100  # (added) the data
print("x_train", x_train.shape, "x_test", x_test.shape)

# %%
import tensorflow as tf
from tensorflow import keras

# 构建神经网络
model = keras.Sequential([
    keras.layers.Dense(64, activation='relu', input_shape=(100,)),
    keras.layers.Dense(64, activation='relu'),
    keras.layers.Dense(1, activation='sigmoid')
])
start = model.get_weights()  # (added) the initial weights

# 编译模型
model.compile(optimizer='adam',
              loss='binary_crossentropy',
              metrics=['accuracy'])

# 训练模型
history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)  # (added) verbose, shuffle

# 评估模型
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)  # (added) verbose
print('Loss:', round(loss, 4))  # (added) round
print('Accuracy:', round(accuracy, 4))
keras_model, keras_history = model, history  # (added)

# %%
import dlcourse.nn as tf
from dlcourse.nn import keras

# 构建神经网络
model = keras.Sequential([
    keras.layers.Dense(64, activation='relu', input_shape=(100,)),
    keras.layers.Dense(64, activation='relu'),
    keras.layers.Dense(1, activation='sigmoid')
])
model.set_weights(start)  # (added) Keras' initial weights

# 编译模型
model.compile(optimizer='adam',
              loss='binary_crossentropy',
              metrics=['accuracy'])

# 训练模型
history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)  # (added) verbose, shuffle

# 评估模型
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)  # (added) verbose
print('Loss:', round(loss, 4))  # (added) round
print('Accuracy:', round(accuracy, 4))
numpy_model, numpy_history = model, history  # (added)

# %%
from dlcourse.tfnn import keras, tf  # (`keras` and `tf` are TensorFlow's again)

keras_predictions = keras_model.predict(x_test, verbose=0)
numpy_predictions = numpy_model.predict(x_test, verbose=0)
reference = E.float64_run(keras_model, start, x_train, y_train, x_test, epochs=10)  # NumPy in float64
results["[4] binary MLP"] = E.compare(keras_predictions, numpy_predictions, keras_history, numpy_history, y_test, reference)
print(results["[4] binary MLP"])
E.plot_pair(keras_history, numpy_history, "[4] binary MLP 100 → 64 → 64 → 1", reference[1])
plt.show()

# %% [markdown]
# The same loss and accuracy from both libraries. `evaluate` is `predict` followed by the loss
# and the metric: the accuracy of a sigmoid output counts $p > 0.5$ as class 1.

# %% [markdown]
# ## 4.9 Running on a GPU (GPU 加速)
#
# Nothing in the six programs names a device, and nothing needs to: **TensorFlow places each
# operation on a GPU by itself when it finds one** (`/GPU:0`), and on the CPU otherwise. The
# same notebook therefore trains on a GPU unchanged, once TensorFlow can see one. What this
# machine has:

# %%
# NBVAL_IGNORE_OUTPUT
# (the devices and versions differ between machines)
print(device.report())
print("the last Keras model's first kernel lives on:", keras_model.weights[0].value.device)
print("logical CPUs for section 4.10:", cpus)

# %% [markdown]
# To use an NVIDIA GPU on Linux, install TensorFlow with its CUDA libraries: in this
# repository `make TF_EXTRA=gpu lab` (it installs `tensorflow[and-cuda]` and opens JupyterLab),
# then `device.report()` lists the GPU and the kernel above lives on `/device:GPU:0`. Three
# options of `dlcourse.device.configure`, called before the first model:
#
# * `memory_growth=True`: take GPU memory as needed, instead of nearly all of it at start, so
#   several notebooks can share a GPU;
# * `mixed_precision=True`: compute in float16 with float32 weights, about twice as fast on
#   GPUs with tensor cores;
# * `jit_compile=True`: compile whole graphs with XLA.
#
# Expect little gain for the documents' models: a GPU is fast at large matrix products,
# thousands of rows times thousands of columns, while these models are so small that a step
# costs mostly the fixed price of calling into TensorFlow (section 4.4 measured it), which a GPU
# does not lower. MNIST's 60,000 images and larger models are where a GPU pays.
# The NumPy reference always runs on the CPU.

# %% [markdown]
# ## 4.10 Several devices: `tf.distribute` (分布式训练)
#
# With several GPUs, `tf.distribute.MirroredStrategy` trains one model on all of them: it
# keeps a copy of every weight on each device (a **replica**, 副本), gives each replica a slice
# of every batch, runs them in parallel, adds their gradients up (all-reduce) and applies the
# same update everywhere. The code changes in one place: the model is built and compiled
# inside `strategy.scope()`. `device.strategy()` returns `MirroredStrategy` over all GPUs when
# there are two or more, and otherwise TensorFlow's default strategy (one device), so the same
# cell runs everywhere. Here, [4]'s model built and trained inside the scope, from the same
# initial weights as in 4.8:

# %%
strategy = device.strategy()
print(type(strategy).__name__, "with", strategy.num_replicas_in_sync, "replica(s)")
with strategy.scope():
    model = keras.Sequential([
        keras.layers.Dense(64, activation='relu', input_shape=(100,)),
        keras.layers.Dense(64, activation='relu'),
        keras.layers.Dense(1, activation='sigmoid')
    ])
    model.set_weights(start)
    model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
history = model.fit(x_train, y_train, epochs=10, verbose=0, shuffle=False)
scoped_predictions = model.predict(x_test, verbose=0)
print("same predictions as 4.8, bit for bit:", np.array_equal(scoped_predictions, keras_predictions))

# %% [markdown]
# On one device the scope changes nothing, as it should. To see two replicas at work without
# two GPUs, the setup cell split the CPU into two logical devices, and `device.strategy(cpus)`
# mirrors over them. `E.fit_in_scope` does what the cell above does (build and compile [4]'s
# model inside the scope, load `start`, fit); two epochs suffice here, because mirroring over
# two logical CPUs is slow (each step copies and sums the gradients between the replicas).
#
# Will two replicas give the same result as one device? Not quite, predicts the arithmetic.
# 455 rows make 14 batches of 32 and a last batch of 7. Each replica averages the loss over
# **its own** rows, and the strategy then averages the replicas: for a batch of 32, split
# 16 + 16, that is the mean over the 32 rows, but the 7 rows are split 4 + 3, which gives
# $\tfrac12\big(\tfrac14 \sum_{4} + \tfrac13 \sum_{3}\big)$ instead of $\tfrac17 \sum_7$,
# weighting the rows unequally. With 448 rows (14 full batches) there is no such batch. The
# experiment, once with all 455 training rows and once with the first 448:

# %%
mirrored = device.strategy(cpus) if len(cpus) > 1 else strategy
print(type(mirrored).__name__, "with", mirrored.num_replicas_in_sync, "replica(s) on", cpus)
single = tf.distribute.get_strategy()  # the default strategy: one device
for rows in (len(x_train), 448):
    one, _ = E.fit_in_scope(single, "doc4_binary", start, x_train[:rows], y_train[:rows], epochs=2)
    two, _ = E.fit_in_scope(mirrored, "doc4_binary", start, x_train[:rows], y_train[:rows], epochs=2)
    gap = np.abs(one.predict(x_test, verbose=0) - two.predict(x_test, verbose=0)).max()
    print(f"{rows} rows, last batch of {rows % 32 or 32}: max |two replicas − one device| = {gap:.4f}, below 1e-5: {gap < 1e-5}")

# %% [markdown]
# With full batches the two replicas compute the same updates as one device, up to the order
# of the float additions. So with `MirroredStrategy`, choose a batch size that the number of
# replicas divides, and mind the last, partial batch (drop it, e.g. with
# `tf.data.Dataset.batch(..., drop_remainder=True)`, or accept that its rows are weighted a
# little differently). The global batch is split across replicas: to keep each device as busy
# as one device was, scale the batch size (and usually the learning rate) with the number of
# replicas.

# %% [markdown]
# ## 4.11 Summary (小结)
#
# The six programs, each run on Keras and on the NumPy reference from the same weights:

# %%
print(E.results_table(results))

# %% [markdown]
# * The documents' code runs on real data once `x_train` is defined; the shapes follow the data
#   (64 or 784 inputs, 8×8 or 28×28 images), and a parameter switches to MNIST.
# * `compile` chooses the optimizer, the loss and the metrics; `fit` trains in epochs of
#   batches and returns the loss per epoch; `evaluate` measures; `predict` returns
#   probabilities; `summary` lists layers and parameters, identically in both libraries.
# * Every example gives the same predictions in Keras and in NumPy up to float32 rounding,
#   after 150 to 4,600 Adam steps: the NumPy reference is the same mathematics as Keras,
#   written out. Long trainings amplify rounding; a float64 run tells it from a mistake.
# * For tiny models, Keras' fixed cost per epoch dominates (4.4); a repeated `tf.data`
#   pipeline removes it.
# * TensorFlow uses a GPU by itself; `MirroredStrategy` spreads a batch over several devices
#   and gives the same result when every replica gets a full share of each batch.
