# %% [markdown]
# # 1 Background (背景介绍)
#
# Every one of the five source documents opens with a section "背景介绍", background. They say
# what deep learning is and where it sits inside artificial intelligence, where it is used, why
# Python is the language to do it in, and that deep models are large and need compute. This
# chapter checks each statement with code that runs, then shows how the course works:
#
# | section | what you will see |
# |---|---|
# | 1.1 | AI ⊃ machine learning ⊃ deep learning, as a picture |
# | 1.2 | where deep learning is used; a live example that recognises handwritten digits |
# | 1.3 | why Python: the documents' Keras code runs on NumPy by changing one import line |
# | 1.4 | how large the documents' models are and what one training step costs, measured |
# | 1.5 | environment check: versions, CPU or GPU, how to switch to a GPU |
# | 1.6 | how the course works: NumPy beside TensorFlow, widgets, exercises, the glossary |
# | 1.7 | the six chapters |
# | 1.8 | exercise: count the parameters of an MLP |
#
# References [0]…[4] are the five source documents (`seeds/000…004`, Chinese blog articles on
# deep learning with Python).

# %% [markdown]
# ## Setup (设置)
#
# The parameter cell holds the sizes of this chapter's experiments. The defaults run offline
# in well under a minute on a laptop CPU; larger values give steadier timings.

# %%
SEED = 0  # seeds every random choice of the chapter
DIGITS_EPOCHS = 20  # epochs of the live digits example (1.2)
HIDDEN_UNITS = 32  # width of its hidden layer, as in [0]'s model
BATCH_SIZE = 32  # batch of the timed training steps (1.4), Keras' default
TIMING_REPEATS = 10  # timed steps per model and library; the fastest counts
SCALING_WIDTHS = (64, 128, 256, 512, 1024)  # Dense layer widths timed in 1.4.3

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display

from dlcourse import device, glossary, nn, tfnn, widgets
from dlcourse.experiments import ch1_background as experiments
from dlcourse.tfnn import keras

# Keras 3 prefers `keras.Input(shape)` to the documents' `input_shape=` / `input_dim=` and
# warns about them; we run the documents' code as printed, so we hide that one warning.
warnings.filterwarnings("ignore", message="Do not pass an `input_shape`")
gpu_setup = device.configure(memory_growth=True)  # a GPU option; nothing happens on a CPU
keras.utils.set_random_seed(SEED)

# %% [markdown]
# ## 1.1 AI, machine learning and deep learning (人工智能、机器学习与深度学习)
#
# The documents define the three terms as nested fields:
#
# - **Artificial intelligence (人工智能, AI)** is "a branch of computer science that studies how
#   to make computers simulate human intelligence" [0], "solving problems as intelligently as
#   humans do" [2]. It includes methods that do not learn at all: search, planning, rules
#   written by experts.
# - **Machine learning (机器学习)** is "an important branch of AI that lets computers learn
#   from data and predict automatically" [2]: the program is fitted to examples instead of
#   written as rules. Shallow learners such as support vector machines, decision trees and
#   naive Bayes [3][4] are machine learning without deep networks.
# - **Deep learning (深度学习)** is "a sub-branch of machine learning" [2][4] that "uses
#   multi-layer neural networks to process complex data" [0]: a network with several hidden
#   layers, which learns its own features from the raw data (chapter 2 shows what the hidden
#   layers learn).

# %%
experiments.draw_ai_ml_dl()
plt.show()

# %% [markdown]
# Every deep learning model is a machine learning model and every machine learning model is an
# AI system, but not the other way round: a chess program that searches a game tree is AI
# without learning, and a decision tree learns without being deep. The picture's labels are in
# English; the Chinese terms are 人工智能 ⊃ 机器学习 ⊃ 深度学习.

# %% [markdown]
# ## 1.2 Where deep learning is used (深度学习的应用领域)
#
# All five documents name image recognition, natural language processing and speech
# recognition; the others appear in one to three of them, mostly as future applications:
#
# | field | 中文 | example | documents |
# |---|---|---|---|
# | image recognition | 图像识别 | digits, objects, faces; [1]'s CNN; the example below | [0][1][2][3][4] |
# | natural language processing | 自然语言处理 | machine translation (机器翻译) [2], text classification | [0][1][2][3][4] |
# | speech recognition | 语音识别 | turning speech into text: dictation, subtitles | [0][1][2][3][4] |
# | games | 游戏 | AlphaGo (DeepMind) beat the Go champion Lee Sedol 4–1 in March 2016 | [0][3] |
# | self-driving cars | 自动驾驶汽车 | finding lanes, cars and pedestrians in camera images | [0][2][4] |
# | voice assistants | 语音助手 | speech recognition, language understanding, speech synthesis | [0][2] |
# | medical diagnosis | 医疗诊断 | signs of disease in scans and tissue images | [0][4] |
# | finance | 金融分析 | fraud detection, credit scoring, forecasting | [4] |
#
# A word on [3]'s wording: it says DeepMind "solved Go" in 2016 ("解决了Go游戏"). AlphaGo
# *beat the best human players*; Go is not solved in the game-theory sense (nobody knows the
# result of perfect play from the empty board), and later programs beat AlphaGo.

# %% [markdown]
# ### 1.2.1 A live example: recognising handwritten digits (图像识别)
#
# The smallest real instance of image recognition ships with scikit-learn: 1,797 handwritten
# digits of 8×8 pixels. The model is [0]'s with 64 inputs instead of MNIST's 784,
# `64 → Dense(32, relu) → Dense(10, softmax)`, trained with Adam on 70 % of the images, entirely in NumPy (`dlcourse.nn`). The curves below
# are a widget, `widgets.LiveLoss`, that redraws while the model trains (training in solid
# lines, the 15 % validation images dashed).

# %%
live = widgets.LiveLoss()  # the curves are redrawn in place while the model trains
digits = experiments.train_digits(HIDDEN_UNITS, DIGITS_EPOCHS, seed=SEED, callbacks=[live])

# %%
print(f"test accuracy: {digits.test_accuracy:.2f} on {len(digits.y_test)} unseen images")

# %% [markdown]
# A few of the test images with what the model says (mistakes in red):

# %%
experiments.show_digit_predictions(digits, count=12)
plt.show()

# %% [markdown]
# Chance would be 10 %. About nine digits in ten are right after a few seconds of training on
# a CPU; chapter 4 trains the documents' models on these digits and on MNIST.

# %% [markdown]
# ## 1.3 Why Python (为什么选择Python)
#
# [0] gives the reason: "Python is a popular programming language with a simple syntax and
# powerful libraries" (具有简单的语法和强大的库); [3] adds that it is easy to learn and has rich
# library support (简单易学、强大功能和丰富的库支持), naming TensorFlow, Keras and PyTorch. The
# libraries do the work:
#
# | library | what it gives | in this course |
# |---|---|---|
# | NumPy | arrays and fast linear algebra | `dlcourse.nn`, the reference you can read line by line |
# | TensorFlow / Keras | automatic gradients, GPUs, `Sequential` models [0][1][2][3][4] | `dlcourse.tfnn`, the twin of every NumPy piece |
# | PyTorch | the other major library [3], imperative style | not used here: one twin is enough |
# | scikit-learn, matplotlib | data sets, plots | the digits, every figure |
#
# Here is the simplicity in practice. [1]'s XOR network, exactly as the document prints it
# (with TensorFlow installed):

# %%
import tensorflow as tf

# 定义神经网络的结构 (define the network's structure), as in [1]
model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(10, activation="relu", input_shape=(2,)),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
keras_model = model

# %% [markdown]
# and the same code on this course's NumPy reference. Only the import line changed:
# `dlcourse.nn` mirrors Keras' names, arguments and defaults.

# %%
import dlcourse.nn as tf  # the only change: NumPy instead of TensorFlow

# 定义神经网络的结构 (define the network's structure), as in [1]
model = tf.keras.Sequential(
    [
        tf.keras.layers.Dense(10, activation="relu", input_shape=(2,)),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
numpy_model = model

# %% [markdown]
# Give both the same weights (Keras' weight list loads into the NumPy model: same order, same
# shapes) and they compute the same outputs on the four XOR inputs:

# %%
import tensorflow as tf  # from here on, `tf` is TensorFlow again

numpy_model.set_weights(keras_model.get_weights())
x_xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
p_keras = keras_model.predict(x_xor, verbose=0)
p_numpy = numpy_model.predict(x_xor, verbose=0)
print("Keras:", p_keras.ravel().round(4))
print("NumPy:", p_numpy.ravel().round(4))
print("agree to 1e-6:", np.allclose(p_keras, p_numpy, rtol=0, atol=1e-6))

# %% [markdown]
# (The weights are still random, so the outputs are near 0.5; chapter 4 trains both and
# compares their loss curves.)

# %% [markdown]
# ## 1.4 Deep models are large and need compute (模型规模与计算资源)
#
# > **Claim check.** [2]: "深度学习的模型通常非常大，需要大量的计算资源来训练" — deep learning
# > models are usually very large and need a lot of computing resources to train. Its FAQ adds
# > the reason: "深度学习模型通常包含大量的参数" — they contain many parameters.
#
# We measure both halves on the documents' own six models: how many parameters, and how long
# one training step takes on this machine.

# %% [markdown]
# ### 1.4.1 Counting parameters (参数数量)
#
# A `Dense` layer with $n_\text{in}$ inputs and $n_\text{out}$ units has a kernel
# $W \in \mathbb{R}^{n_\text{in} \times n_\text{out}}$ and a bias $b \in \mathbb{R}^{n_\text{out}}$;
# a `Conv2D` layer with `filters` kernels of $k_h \times k_w$ over $c_\text{in}$ channels
# shares its weights across positions:
#
# $$ \text{params}_\text{Dense} = (n_\text{in} + 1)\, n_\text{out}, \qquad
#    \text{params}_\text{Conv2D} = (k_h k_w c_\text{in} + 1)\cdot\text{filters}. $$
#
# Pooling and `Flatten` have none. The table counts each model three ways: by these formulas,
# by `dlcourse.nn`'s `count_params()` and by Keras' `count_params()`, at the documents' input
# shapes (784 pixels for MNIST, 28×28×1 images for the CNN).

# %%
rows = experiments.parameter_table()
columns = [("name", "model"), ("doc", "doc"), ("title", "layers"), ("formula", "formula"),
           ("numpy", "dlcourse.nn"), ("keras", "Keras"), ("megabytes", "MB (float32)")]
display(Markdown(experiments.markdown_table(rows, columns)))
agree = all(r["formula"] == r["numpy"] == r["keras"] for r in rows)
print("formula, NumPy and Keras agree:", agree)

# %% [markdown]
# The documents' models are small: from 41 parameters (XOR) to 54,410 (the CNN), at most
# 0.22 MB of float32 weights. For comparison, ResNet-50 (2015) has about 25.6 million
# parameters and GPT-3 (2020) 175 billion: those are the "very large" models [2] means.

# %% [markdown]
# ### 1.4.2 FLOPs of a Dense layer (浮点运算次数)
#
# Time is spent on arithmetic. The forward pass of a `Dense` layer, $z = xW + b$, does one
# multiplication and one addition per weight and sample:
#
# $$ \text{FLOPs}_\text{forward} = 2\, n_\text{in}\, n_\text{out} \text{ per sample}. $$
#
# Backpropagation (chapter 3) needs two more matrix products of the same size,
# $\partial L/\partial W = x^\top \delta$ and $\partial L/\partial x = \delta W^\top$, so one
# training step on a batch of $B$ samples costs about $3 \times 2 n_\text{in} n_\text{out} B$,
# that is **$6 \cdot N \cdot B$ FLOPs for a dense network with $N$ weights**. A convolution
# reuses each weight at every output position, so its FLOPs are not tied to its weights: the
# CNN's 320 convolution weights cost 389,376 FLOPs per image, 1,217 per weight.

# %%
for name in ("doc0_mlp", "doc1_cnn"):
    for row in experiments.layer_costs(name):
        print(f"{name:9} {row['layer']:12} out {str(row['output_shape']):14} "
              f"params {row['params']:>6,}  forward FLOPs {row['flops']:>8,}")
    print(f"{'':9} one training step, batch {BATCH_SIZE}: "
          f"{experiments.training_step_flops(name, BATCH_SIZE) / 1e6:.1f} million FLOPs")

# %% [markdown]
# ### 1.4.3 One training step on this machine (训练一步的时间)
#
# One training step is [0]'s four steps of backpropagation: compute the prediction, compute
# the loss, compute its gradient, update the weights. `experiments.numpy_train_step` does
# exactly that on a `dlcourse.nn` model; Keras' `train_on_batch` does it in TensorFlow. The
# timings below are the fastest of a few steps on a random batch; they change from run to run
# and from machine to machine (that is why nbval does not compare them).

# %%
# NBVAL_IGNORE_OUTPUT
timings = experiments.time_training_steps(batch_size=BATCH_SIZE, repeats=TIMING_REPEATS, seed=SEED)
columns = [("name", "model"), ("flops", "FLOPs per step"), ("numpy_ms", "NumPy ms"),
           ("tensorflow_ms", "TensorFlow ms"), ("numpy_gflops", "NumPy GFLOP/s"),
           ("tensorflow_gflops", "TensorFlow GFLOP/s")]
display(Markdown(experiments.markdown_table(timings, columns)))

# %% [markdown]
# Milliseconds. For the small models, most of the time is fixed overhead (Python calls,
# TensorFlow's dispatch), not arithmetic: their GFLOP/s are low. To see that time does follow
# FLOPs once the arithmetic dominates, we time a single `Dense` layer of growing width
# (`width → width`, batch 64, $6 \cdot \text{width}^2 \cdot 64$ FLOPs per step). Dotted lines
# mark constant speeds; points along a dotted line mean time proportional to FLOPs. (A NumPy
# point far above the others means other programs were busy on the cores: NumPy's BLAS splits
# a large product over threads and waits for the slowest one.)

# %%
scaling = experiments.dense_scaling(widths=SCALING_WIDTHS, seed=SEED)
experiments.plot_scaling(scaling)
plt.show()

# %%
# NBVAL_IGNORE_OUTPUT
for backend in ("numpy", "tensorflow"):
    rate = (scaling["flops"] / scaling[f"{backend}_seconds"]).max()  # best FLOP/s reached
    big = 6 * 100e6 * BATCH_SIZE / rate  # seconds per step, dense net of 100 million weights
    print(f"{backend:10}: {rate / 1e9:5.1f} GFLOP/s; a 100-million-weight dense network would "
          f"take {big:.2f} s per step of batch {BATCH_SIZE}")

# %% [markdown]
# **What the experiment shows.** Once the arithmetic dominates, the cost of training is set by
# FLOPs: about $6 N B$ per step, times the steps per epoch, times the epochs. The documents'
# own models are *not* large: one step takes milliseconds on a CPU, the CNN (the most FLOPs)
# being the slowest. [2]'s statement is true of the models used in practice: a dense network of
# 100 million weights needs $6 \cdot 10^8 \cdot 32 \approx 2 \cdot 10^{10}$ FLOPs per step of
# batch 32, from a tenth of a second to several seconds at CPU speeds of 10 to 100 GFLOP/s like
# those measured above, and a training run takes hundreds of thousands of steps: days of CPU.
# That is why such models train on GPUs, which do tens of TFLOP/s ($10^{13}$ FLOPs per second
# and more; 1.5 shows how to use one), and why chapter 5 compresses models.

# %% [markdown]
# ## 1.5 Environment check (环境检查)
#
# What this notebook runs on: the library versions, and the devices TensorFlow found
# (`dlcourse.device.report()`). Your output will differ from the stored one.

# %%
# NBVAL_IGNORE_OUTPUT
import matplotlib
import sklearn

print(device.report())
print("GPU memory growth set on:", gpu_setup["memory_growth"] or "no GPU")
print(f"NumPy {np.__version__}, scikit-learn {sklearn.__version__}, "
      f"matplotlib {matplotlib.__version__}")

# %% [markdown]
# Nothing in the course names a device: TensorFlow places its work on a GPU when it finds one,
# and the NumPy reference always runs on the CPU. To use an NVIDIA GPU:
#
# 1. install TensorFlow with its CUDA libraries: `make TF_EXTRA=gpu lab` (instead of
#    `make lab`) on Linux with an NVIDIA driver, or open the notebooks on a hosted GPU
#    (Colab, a JupyterHub with GPUs);
# 2. at the top of a notebook, before the first model, call
#    `dlcourse.device.configure(memory_growth=True)` so that TensorFlow takes GPU memory as
#    needed rather than all of it (this notebook did, in its setup cell). Optional:
#    `mixed_precision=True` (float16 maths with float32 weights, about twice as fast on GPUs
#    with tensor cores) and `jit_compile=True` (XLA);
# 3. run `device.report()` again: a `GPU:` line names the device.
#
# What the setup applied, whatever the machine:

# %%
print("Keras backend:", keras.backend.backend())
print("Keras dtype policy:", gpu_setup["dtype_policy"])

# %% [markdown]
# ## 1.6 How the course works (课程的使用方法)
#
# ### 1.6.1 NumPy reference beside TensorFlow (NumPy参考实现与TensorFlow)
#
# Every piece of a network exists twice: in `dlcourse.nn`, written in NumPy to be read, and in
# `dlcourse.tfnn`, its TensorFlow twin, which computes gradients automatically and runs on a
# GPU. Each formula appears three ways, side by side, and the two programs must agree. The
# first example, the sigmoid of [0] and [3]:
#
# $$ \sigma(x) = \frac{1}{1 + e^{-x}} $$

# %%
x = np.array([-1000.0, -10.0, -1.0, 0.0, 1.0, 10.0, 1000.0])
s_numpy = nn.activations.sigmoid(x)  # NumPy reference
s_tensorflow = tfnn.activations.sigmoid(tf.constant(x)).numpy()  # TensorFlow twin
s_keras = np.asarray(keras.activations.sigmoid(x))  # what Keras' layers use
print("σ(x) =", "  ".join(f"{s:.4g}" for s in s_numpy))
print("NumPy and TensorFlow agree to 1e-12:", np.allclose(s_numpy, s_tensorflow, rtol=1e-12))
print("NumPy and Keras agree to 1e-12:", np.allclose(s_numpy, s_keras, rtol=1e-12))

# %% [markdown]
# Note $x = \pm 1000$: written naively, `1 / (1 + np.exp(-x))` overflows at $x = -1000$
# ($e^{1000}$ is beyond float64). Both versions use the stable form
# $\sigma(x) = e^{x} / (1 + e^{x})$ for negative $x$; chapter 3 explains it. The test suite
# compares every such pair (`tests/parity`) on random inputs, with gradients.
#
# ### 1.6.2 Widgets (交互组件)
#
# Some ideas are easier to watch than to read. The live loss curves of 1.2.1 were the first
# widget; chapter 2 has a neuron with sliders for its weights and bias, chapter 3 a race of
# optimizers across loss surfaces and a small network playground. Each widget also stores a
# still picture, so the notebooks read well on GitHub or as HTML.
#
# ### 1.6.3 Exercises and checks (练习与检查)
#
# Every chapter has exercises: you write a small function in the cell between two marker
# lines, nbgrader's solution delimiters (the teacher's version holds an answer; the
# student notebooks, made by `make student`, hold `raise NotImplementedError()`), and the next
# cell checks it. A check runs your function on fixed inputs and prints one line when every
# property holds; otherwise it says which property failed, what it expected and received, and
# a hint, specific to the mistake when it is a known one. Here is chapter 3's sigmoid check
# given the naive formula:

# %%
from dlcourse.exercises import ch3


def naive_sigmoid(x):
    return 1 / (1 + np.exp(-x))


ch3.check_sigmoid(nn.activations.sigmoid)  # the reference passes
try:
    ch3.check_sigmoid(naive_sigmoid)
except AssertionError as error:
    print(error)

# %% [markdown]
# ### 1.6.4 The glossary (术语表)
#
# Every heading of the course carries the documents' Chinese term in brackets; the
# package keeps them, with a one-line definition, in `dlcourse.glossary` (look a term up with
# `glossary.lookup("反向传播")`).

# %%
display(Markdown(glossary.table()))

# %% [markdown]
# ## 1.7 The six chapters (课程概览)
#
# The chapters follow the documents' common outline:
#
# | chapter | 中文 | what it teaches |
# |---|---|---|
# | [1 Background](01_background.ipynb) | 背景介绍 | this chapter |
# | [2 Core concepts](02_core_concepts.ipynb) | 核心概念与联系 | neurons and layers, XOR, deep versus shallow learning, representation learning, the computational graph |
# | [3 Algorithms and maths](03_algorithms_and_maths.ipynb) | 核心算法原理和具体操作步骤以及数学模型公式详细讲解 | forward propagation, activations, losses, backpropagation, gradient descent and its optimizers, regularisation, convolution |
# | [4 Code examples](04_code_examples.ipynb) | 具体代码实例和详细解释说明 | the documents' six Keras models, each run in TensorFlow and in NumPy from the same weights; GPUs and several devices |
# | [5 Trends and challenges](05_trends_and_challenges.ipynb) | 未来发展趋势与挑战 | data augmentation, pruning and quantisation, interpretability, knowledge distillation, scaling up |
# | [6 FAQ](06_faq.ipynb) | 附录常见问题与解答 | the documents' questions, each answered with an experiment: data size, speed, memory, overfitting, imbalanced data, vanishing gradients |
#
# Read them in order the first time: each chapter uses the words of the ones before.

# %% [markdown]
# ## 1.8 Exercise: count the parameters of an MLP (练习：计算参数数量)
#
# Write `count_params(sizes)`: the number of weights and biases of an MLP with layer sizes
# `sizes = [n_in, units_1, ..., units_L]` (the input size, then each `Dense` layer's units).
# [0]'s model is `[784, 32, 10]`. Use the formula of 1.4.1; the check compares your answer
# with `dlcourse.nn`'s `count_params()` on several networks.


# %% nbgrader={"grade": false, "grade_id": "ch1_count_params", "locked": false, "schema_version": 3, "solution": true}
def count_params(sizes):
    """Number of weights and biases of an MLP with layer sizes [n_in, units_1, ..., units_L]."""
    ### BEGIN SOLUTION
    return sum((n_in + 1) * units for n_in, units in zip(sizes[:-1], sizes[1:], strict=True))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch1_count_params_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
from dlcourse.exercises import ch1

ch1.check_count_params(count_params)

# %% [markdown]
# ## Summary (小结)
#
# - Deep learning is machine learning with networks of several hidden layers, and machine
#   learning is the part of AI that learns from data (1.1).
# - It recognises images, speech and language, and plays games; a 64–32–10 network in NumPy
#   reads 8×8 digits after seconds of training (1.2).
# - Python's libraries make the code short: the documents' Keras code runs on this course's
#   NumPy reference by changing one import (1.3).
# - A `Dense` layer has $(n_\text{in}+1)\,n_\text{out}$ parameters and costs
#   $2\,n_\text{in}\,n_\text{out}$ FLOPs per sample forward, about $6NB$ per training step; the
#   documents' models are small, modern ones are not (1.4).
# - `device.report()` says what TensorFlow runs on; `make TF_EXTRA=gpu lab` and
#   `device.configure()` switch to a GPU (1.5).
# - Every formula comes three ways, maths, NumPy and TensorFlow, checked to agree; exercises
#   are checked by a cell that prints one line or explains the mistake (1.6).
#
# Next: [chapter 2, core concepts](02_core_concepts.ipynb).
