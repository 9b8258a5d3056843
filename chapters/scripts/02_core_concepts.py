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
# # 2 Core concepts (核心概念与联系)
#
# All five source documents have a section "核心概念与联系", core concepts and how they
# connect. They agree on the vocabulary: a network is built from **neurons** (神经元), grouped
# in **layers** (层): an input layer, hidden layers, an output layer; deep learning uses
# **several hidden layers**; training runs a **forward pass** and **backpropagation** on a
# **computational graph**. This chapter makes each word concrete with code that runs:
#
# | section | what you will see |
# |---|---|
# | 2.1 | one neuron, $y = f(w^\top x + b)$, in NumPy and TensorFlow; a widget with sliders |
# | 2.2 | layers and the forward pass through a network |
# | 2.3 | XOR: one neuron fails, one hidden layer succeeds |
# | 2.4 | claim check: is the first `Dense` layer the input layer? |
# | 2.5–2.6 | neural networks, deep learning and shallow machine learning, measured on digits |
# | 2.7 | representation learning: what hidden units learn |
# | 2.8 | the brain analogy and where it stops |
# | 2.9–2.10 | the computational graph behind automatic gradients; forward and backward passes |
#
# References [0]…[4] are the five source documents (`seeds/000…004`). The maths of training
# (losses, the chain rule for whole layers, optimizers) is chapter 3; here we meet the ideas.

# %% [markdown]
# ## Setup (设置)
#
# The parameter cell holds the data set and the sizes. The defaults run offline in a few
# seconds; `DATASET = "mnist"` repeats sections 2.6–2.7 on MNIST's 28×28 images when its files
# are present or downloadable (see chapter 4), e.g. with `N_IMAGES = 20_000`.

# %%
DATASET = "digits"  # "digits" (8×8 images, ships with scikit-learn) or "mnist" (28×28)
N_IMAGES = None  # None: every image; a number keeps a random subset
HIDDEN_UNITS = 64  # units of the MLP's hidden layer (2.6, 2.7)
EPOCHS = 30  # training epochs of that MLP
XOR_SEEDS = 10  # initial weights tried per hidden-layer size (2.3)
SEED = 0

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from sklearn.model_selection import train_test_split

from dlcourse import data, glossary, nn, widgets
from dlcourse.autodiff import Value, draw_graph, topological_order
from dlcourse.experiments import ch2_concepts as concepts
from dlcourse.nn import activations
from dlcourse.tfnn import keras, tf

keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()

# %% [markdown]
# ## 2.1 The neuron (神经元)
#
# "A neural network consists of many nodes, each node represents a neuron; the neurons are
# connected, with weights, into layers" [0]. A neuron receives inputs $x_1, \dots, x_d$,
# multiplies each by a **weight** (权重) $w_i$, adds a **bias** (偏置) $b$, and passes the sum
# through an **activation function** (激活函数) $f$ [2][3][4]:
#
# $$
# z = w^\top x + b = \sum_{i=1}^{d} w_i x_i + b, \qquad y = f(z),
# \qquad\text{e.g. } f(z) = \sigma(z) = \frac{1}{1 + e^{-z}} .
# $$
#
# The weights say how much each input counts and with which sign; the bias shifts the point
# where the neuron switches on; the activation makes the output non-linear (without it, layers
# of neurons would collapse into one linear map; chapter 3 shows the common activations).

# %%
concepts.draw_neuron()
plt.show()

# %% [markdown]
# The formula three ways, on the same four samples of three inputs: the maths above, the NumPy
# reference `dlcourse.nn.activations.sigmoid`, and TensorFlow's ops. All in float64, so they
# must agree to the last few bits.

# %%
rng = np.random.default_rng(SEED)
x = rng.normal(size=(4, 3))  # 4 samples (rows), 3 inputs each
w = rng.normal(size=3)  # one weight per input
b = 0.5  # one bias

y_numpy = activations.sigmoid(x @ w + b)  # NumPy reference
y_tf = tf.sigmoid(tf.linalg.matvec(tf.constant(x), tf.constant(w)) + b).numpy()  # TensorFlow
print("NumPy      y =", np.round(y_numpy, 4))
print("TensorFlow y =", np.round(y_tf, 4))
print("agree to 1e-12:", np.allclose(y_numpy, y_tf, rtol=1e-12, atol=0))

# %% [markdown]
# In a library, a neuron is a `Dense` layer with one unit: its `kernel` holds the weights as a
# column `(inputs, units) = (3, 1)` and its `bias` has shape `(1,)`. Give `dlcourse.nn`'s
# `Dense` and Keras' `Dense` our `w` and `b`, and both compute the formula.

# %%
layer = nn.layers.Dense(1, activation="sigmoid")  # dlcourse.nn (NumPy)
layer.forward(x)  # the first call builds the weights for 3 inputs
layer.set_weights([w.reshape(3, 1), np.array([b])])
keras_layer = keras.layers.Dense(1, activation="sigmoid", dtype="float64")  # Keras (TensorFlow)
keras_layer(x)
keras_layer.set_weights([w.reshape(3, 1), np.array([b])])

print("kernel", layer.params["kernel"].shape, "bias", layer.params["bias"].shape)
same = np.allclose(layer.forward(x)[:, 0], y_numpy, rtol=1e-12, atol=0)
print("dlcourse.nn Dense == formula:", same)
print("keras Dense == formula:", np.allclose(keras_layer(x).numpy()[:, 0], y_numpy, rtol=1e-12))

# %% [markdown]
# **Widget.** A neuron with two inputs draws a picture: its output $f(w_1x_1 + w_2x_2 + b)$
# over the plane (colour), and the line $z = 0$ where it changes its mind. Move the sliders:
# the weights turn the line, the bias shifts it, the activation changes the colours but not the
# line. The title counts the points that the rule "class 1 where $z > 0$" gets right.
# (Without a running kernel you see a still picture.)

# %%
widgets.neuron(w1=1.0, w2=1.0, b=0.0, activation="sigmoid", dataset="blobs", seed=SEED)

# %% [markdown]
# ### Exercise 2.1: a neuron in NumPy (练习：神经元)
#
# Write `neuron(x, w, b)`: inputs `x` of shape `(N, D)`, weights `w` of shape `(D,)`, a number
# `b`; return the sigmoid neuron's outputs $\sigma(x w + b)$, shape `(N,)`. The next cell checks
# it (shape, dtype, values, the role of the bias).


# %% nbgrader={"grade": false, "grade_id": "ch2_neuron", "locked": false, "schema_version": 3, "solution": true}
def neuron(x, w, b):
    """σ(x @ w + b) for x (N, D), w (D,) and a number b; returns (N,)."""
    ### BEGIN SOLUTION
    z = x @ w + b
    return 1.0 / (1.0 + np.exp(-z))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch2_neuron_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
from dlcourse.exercises import ch2

ch2.check_neuron(neuron)

# %% [markdown]
# ## 2.2 Layers: input, hidden, output (输入层、隐藏层与输出层)
#
# "The input layer receives the input data, the hidden layers process it, the output layer
# produces the prediction" [0]. A **layer** (层) is many neurons that read the same inputs.
# Stacking their weight columns side by side gives a matrix $W$ of shape `(inputs, units)`,
# and a whole batch $X$ of shape `(N, inputs)` goes through the layer at once [4]:
#
# $$ H = f(XW + b), \qquad X \in \mathbb{R}^{N \times d},\; W \in \mathbb{R}^{d \times u},\;
# b \in \mathbb{R}^{u},\; H \in \mathbb{R}^{N \times u}. $$
#
# * The **input layer** (输入层) is the data itself: $d$ numbers per sample. It computes
#   nothing and has no weights.
# * Each **hidden layer** (隐藏层) is a `Dense` layer whose output the user never sees
#   directly: it computes intermediate features.
# * The **output layer** (输出层) is the last `Dense` layer: its units are the prediction
#   (10 class probabilities with softmax, one probability with sigmoid).
#
# Here is document [0]'s network, 784 pixels → 32 units → 10 classes (columns show at most six
# units; "⋮" stands for the rest).

# %%
concepts.draw_network((784, 32, 10), title="document [0]'s network")
plt.show()

# %% [markdown]
# ### The forward pass (前向传播)
#
# Computing a prediction means sending the data through the layers in order, each layer's
# output becoming the next layer's input: the **forward pass** [1][3]. Below, [0]'s network on
# this chapter's offline images (8×8 digits, so 64 inputs instead of 784), untrained, with
# five images going through it one layer at a time.

# %%
x_digits, y_digits = data.load_digits(flat=True)  # (1797, 64) pixels in [0, 1]
model0 = nn.Sequential(
    [nn.layers.Dense(32, activation="relu"), nn.layers.Dense(10, activation="softmax")], seed=SEED
)
model0.build((None, 64))

h = x_digits[:5]
print(f"{'input':<22} {h.shape}")
for layer_ in model0.layers:
    h = layer_.forward(h)
    print(f"Dense({layer_.units}, {layer_.activation.name})".ljust(22), h.shape)
print("each row sums to 1 (softmax):", np.allclose(h.sum(axis=1), 1.0))
print("same as model0.predict:", np.array_equal(h, model0.predict(x_digits[:5], verbose=0)))

# %% [markdown]
# ## 2.3 XOR: one neuron is not enough (异或问题与线性可分)
#
# Document [1] trains its first network on XOR (异或, exclusive or): the output is 1 when
# exactly one of the two inputs is 1.

# %%
x_xor, y_xor = data.xor_table()
for (x1, x2), target in zip(x_xor, y_xor, strict=True):
    print(f"x1 = {x1:.0f}, x2 = {x2:.0f}  →  x1 XOR x2 = {target}")

# %% [markdown]
# One neuron answers "class 1" on one side of the line $w_1x_1 + w_2x_2 + b = 0$. XOR puts
# its 1s on one diagonal of the square and its 0s on the other, so no line can have both 1s on
# one side and both 0s on the other: XOR is **not linearly separable** (线性不可分). The
# experiment: try lines in 720 directions with every useful offset, and keep the best.

# %%
print("best accuracy of any straight line on XOR:", concepts.best_line_accuracy(x_xor, y_xor))

# %% [markdown]
# The neuron widget on a noisy XOR data set, set to the best kind of line: it cuts off one
# corner and gets three clusters of four right. Move the sliders: no setting does better than
# about three quarters.

# %%
widgets.neuron(w1=1.0, w2=1.0, b=1.5, dataset="xor", seed=SEED)

# %% [markdown]
# Now train. A model with **no hidden layer** (`Dense(1, sigmoid)` on the inputs: logistic
# regression) against one with a **hidden layer of two units** (`Dense(2, tanh)` →
# `Dense(1, sigmoid)`), on 200 noisy XOR points, with the same optimizer and epochs.

# %%
x_noisy, y_noisy = data.make_xor(200, noise=0.15, seed=SEED)
linear = concepts.train_xor(0, x_noisy, y_noisy, epochs=200, batch_size=32, seed=SEED)
network = concepts.train_xor(2, x_noisy, y_noisy, epochs=200, batch_size=32, seed=SEED)
print(f"no hidden layer       : accuracy {concepts.binary_accuracy(linear, x_noisy, y_noisy):.2f}")
print(f"hidden layer, 2 units : accuracy {concepts.binary_accuracy(network, x_noisy, y_noisy):.2f}")
print(f"best line, any weights: accuracy {concepts.best_line_accuracy(x_noisy, y_noisy):.2f}")

# %%
concepts.plot_xor(linear, network, x_noisy, y_noisy)
plt.show()

# %% [markdown]
# Left: the linear model settles near "probability ½ everywhere"; one line cannot do better
# than ¾. Middle: with two hidden units the boundary bends around a diagonal band. Right: why
# it works. Each point is drawn at its **hidden activations** $(h_1, h_2)$; in this new space the
# two classes *are* separated by a line, the one the output neuron draws. The hidden layer
# has learned a new representation of the data in which the problem is easy, the idea of
# section 2.7 in miniature.
#
# Two hidden units are enough in principle, but does training always find the solution? Train
# from `XOR_SEEDS` different initial weights for each hidden-layer size, on the four rows of
# the table, and count the successes (all four rows right):

# %%
rates = concepts.xor_success_rates(units=(0, 1, 2, 4, 8), seeds=XOR_SEEDS)
for units, rate in rates.items():
    print(f"{units} hidden units: {rate:4.0%} of {XOR_SEEDS} initialisations learn XOR exactly")

# %% [markdown]
# No hidden layer (or a single hidden unit, which still draws one line) never succeeds. Two
# units usually do, but gradient descent sometimes stalls in a poor solution; wider layers
# make the search easier, which is one reason real networks are larger than the minimum
# (document [1] uses 10 units).
#
# **Widget.** The playground trains a small `dlcourse.nn` network in the notebook, on XOR,
# circles, Gaussians or a spiral. Press Play, change the hidden layers, units, activation,
# learning rate. Set the hidden layers to 0 on XOR or circle and watch it fail. Here it has
# been trained for 100 epochs already:

# %%
pg = widgets.playground(
    dataset="xor", noise=20, hidden_layers=1, units=4, activation="tanh", seed=SEED
)
pg.step(100)
print(f"after {pg.epoch} epochs: test loss {pg.history['test_loss'][-1]:.3f}")
pg

# %% [markdown]
# ## 2.4 Claim check: input layer or hidden layer? (输入层还是隐藏层？)
#
# > **Claim check.** Document [0] says of its model, `Dense(units=32, activation='relu',
# > input_dim=784)` followed by `Dense(units=10, activation='softmax')`: "we added two Dense
# > layers, which represent the input layer and the output layer"
# > (我们添加了两个Dense层，分别表示输入层和输出层). Document [3] likewise comments its first
# > `Dense(16, input_dim=8)` as "add the input layer" (添加输入层), and [4] calls its three
# > `Dense` layers "the input layer, the hidden layer and the output layer".
#
# If the first `Dense` were the input layer, it would hold the data and nothing else. First
# experiment: build [0]'s model and look at its layers and weights. Keras 3 wants the input
# declared on its own; given `input_dim`, it says so:

# %%
import warnings

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.layers.Dense(units=32, activation="relu", input_dim=784)  # [0]'s first layer
print(caught[0].message)

# %%
doc0 = keras.Sequential(
    [
        keras.Input(shape=(784,)),  # the input layer: only a shape
        keras.layers.Dense(units=32, activation="relu"),
        keras.layers.Dense(units=10, activation="softmax"),
    ],
    name="doc0",
)
doc0.summary()

# %% [markdown]
# Two layers with weights, and no input layer in the list: `keras.Input` has no weights to
# show. The NumPy reference accepts [0]'s code as written (`input_dim=784`) and gives the same
# picture; the table lists every weight's shape:

# %%
doc0_np = nn.Sequential(seed=SEED)
doc0_np.add(nn.layers.Dense(units=32, activation="relu", input_dim=784))  # [0]'s code
doc0_np.add(nn.layers.Dense(units=10, activation="softmax"))
print(concepts.weight_table(doc0_np))
print(
    "\nsame shapes as Keras:",
    [a.shape for a in doc0_np.get_weights()] == [tuple(v.shape) for v in doc0.weights],
)

# %% [markdown]
# The first `Dense` has a kernel of shape `(784, 32)`: 25,120 learned numbers that turn 784
# pixels into 32 new features. That is what a hidden layer does.
#
# Second experiment: remove it. If it were only the input layer, the model would keep its
# power. What remains, `Dense(10, softmax)` on the inputs, is $p = \mathrm{softmax}(xW + b)$:
# exactly **softmax regression** (multinomial logistic regression), a linear classifier.

# %%
no_hidden = keras.Sequential([keras.Input(shape=(64,)), keras.layers.Dense(10, "softmax")])
W, b0 = no_hidden.get_weights()
by_hand = activations.softmax(x_digits[:5] @ W + b0)  # softmax regression, in NumPy
print(
    "model == softmax(xW + b):",
    np.allclose(no_hidden.predict(x_digits[:5], verbose=0), by_hand, rtol=1e-5, atol=1e-7),
)

# %% [markdown]
# And a linear classifier cannot learn XOR (section 2.3). Document [1]'s XOR network has the
# same two-`Dense` shape as [0]'s: `Dense(10, relu)` → `Dense(1, sigmoid)`. Train it, and the
# same network without its first `Dense`:

# %%
with_first = concepts.train_xor(10, activation="relu", seed=SEED)  # [1]'s network
without_first = concepts.train_xor(0, seed=SEED)  # the first Dense removed
for name, model in (("[1]'s network", with_first), ("without its first Dense", without_first)):
    print(f"{name:<24}: accuracy {concepts.binary_accuracy(model, x_xor, y_xor):.2f}")

# %% [markdown]
# **Conclusion.** The claim is wrong. The input layer is the data (`keras.Input(shape=(784,))`,
# zero parameters). The first `Dense` is a **hidden layer**: it has 25,120 weights, computes 32
# features, and removing it turns the network into a linear classifier that fails on XOR.
# Document [0]'s network is input (784) → hidden (32) → output (10); [3]'s is input (8) →
# hidden (16) → hidden (16) → output (1); [4]'s three `Dense` layers are two hidden layers and
# the output layer. (`input_dim=784` only tells the first hidden layer how many inputs to
# expect.)

# %% [markdown]
# ## 2.5 Neural networks and deep learning (神经网络与深度学习)
#
# Document [1] separates the two words. A **neural network** (神经网络) is a computational
# model of connected neurons and can be used for classification, regression, clustering;
# **deep learning** (深度学习) uses networks of *many* layers ("多层次的神经元"), which learn
# the features of the data by themselves [1][4]. [0] puts it as "the core concept of deep
# learning is the multilayer neural network … with several hidden layers".
#
# "Deep" has no sharp threshold; the usual reading is *more than one hidden layer*. How deep
# are the documents' own examples? One or two hidden layers (pooling and flattening have no
# weights and do not count):

# %%
print(concepts.depth_table())

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 3.6), gridspec_kw={"width_ratios": [3, 4]})
concepts.draw_network((784, 32, 10), ax=axes[0], title="[0]: one hidden layer")
concepts.draw_network((100, 64, 64, 10), ax=axes[1], title="[2]: two hidden layers")
plt.show()

# %% [markdown]
# By the strict reading only [2], [3] and [4] are (barely) deep; networks used in practice have
# tens to hundreds of layers (ResNet-50 has 50). One hidden layer with enough units can already
# approximate any continuous function (the universal approximation theorem), so depth is not
# about what can be represented at all but about what can be represented *cheaply*: layers
# build features from features (edges → strokes → digits), and a deep network often needs far
# fewer units than a shallow one for the same function.
#
# ## 2.6 Deep learning and machine learning (深度学习与机器学习)
#
# Deep learning is a subset of machine learning (机器学习), which also includes naive Bayes
# (朴素贝叶斯), support vector machines (支持向量机) and decision trees (决策树) [3]. "Unlike
# shallow learning (SVM, decision trees, …), deep learning can learn features automatically"
# [4]. An honest experiment: the same raw pixels (no hand-made features) for three shallow
# learners from scikit-learn and for an MLP with one hidden layer, the same training and test
# split.

# %%
x_img, y_img, image_shape = concepts.load_flat_images(DATASET, n=N_IMAGES, seed=SEED)
x_train, x_test, y_train, y_test = train_test_split(
    x_img, y_img, test_size=0.25, stratify=y_img, random_state=SEED
)
mlp = concepts.train_mlp(x_train, y_train, hidden_units=HIDDEN_UNITS, epochs=EPOCHS, seed=SEED)
results = concepts.compare_learners(x_train, y_train, x_test, y_test, mlp)
print(f"{DATASET}: {len(x_train)} training and {len(x_test)} test images of {image_shape} pixels")
print("test accuracy\n")
print(concepts.accuracy_table(results))

# %% [markdown]
# Read the first column (raw pixels) honestly: the SVM with an RBF kernel is at least as
# good as the MLP here. On a small, clean data set a well-chosen shallow learner is a strong
# baseline; deep learning is not automatically better. (The kernel is itself a fixed,
# hand-chosen notion of similarity between images.) The decision tree and naive Bayes are weak
# on raw pixels: one pixel alone says little, and naive Bayes assumes the pixels independent.
#
# The second column is the point about **feature engineering** (特征工程) versus **representation
# learning** (表示学习). The shallow learners are trained again, not on pixels but on the
# `HIDDEN_UNITS` = 64 numbers that the MLP's hidden layer computes for each image (learned from
# the training set only). The same decision tree and naive Bayes improve by several points. For decades,
# shallow learners on images needed features designed by hand (edge histograms, HOG, SIFT);
# a hidden layer learns such features from the data. Deep learning's advantage grows with
# raw, high-dimensional inputs (images, sound, text) and with the amount of data; chapter 6
# measures accuracy against training-set size.
#
# ## 2.7 Representation learning (表示学习)
#
# "Deep learning can learn representations automatically: trained, it turns the input into
# higher-level representations useful for more complex tasks" [2]. What did the hidden units
# learn? Top row: the weights of the ten units whose activations vary most, shown as images
# (red: pixels that excite the unit, blue: pixels that inhibit it). Bottom row: the
# average of the 20 training images that excite each unit most.

# %%
concepts.plot_hidden_units(mlp, x_train, image_shape, n_units=10, top=20)
plt.show()
purity, chance = concepts.top_input_purity(mlp, x_train, y_train, n_units=10, top=20, seed=SEED)
print(f"the 20 images that excite each unit most: on average {purity:.0%} show one digit")
print(f"20 images drawn at random:                 on average {chance:.0%} show one digit")

# %% [markdown]
# Each unit is a template for a part of some digits: ink in one place and no ink in another.
# The images that excite a unit most mostly show the same digit, far above chance, so the
# vector of hidden activations already sorts the digits, which is why naive Bayes and the tree
# did better on it. In
# section 2.3 the same thing happened in two dimensions: the hidden layer moved the XOR
# points to where a line separates them. With more layers, later layers build features of
# features.
#
# ## 2.8 The brain analogy and its limits (人脑类比及其局限)
#
# "Deep learning solves complex problems by simulating how the human brain's nervous system
# works", says [1], then rightly adds that networks "do not fully simulate the brain, but solve
# problems through mathematical models and algorithms"; [2] calls the connections of a network
# a model of "the connections between neurons in the human brain". The analogy gave the field
# its words: a weighted sum resembles a cell adding up its inputs, the activation resembles
# firing, weights resemble synapse strengths.

# %%
concepts.draw_brain_analogy()
plt.show()

# %% [markdown]
# Where it stops:
#
# | | brain | artificial network |
# |---|---|---|
# | size | $8.6 \times 10^{10}$ neurons, $10^{14}$–$10^{15}$ synapses | 2.6's MLP: 74 units |
# | signal | spikes in time, chemistry at synapses | real numbers, one pass |
# | wiring | recurrent, many cell types, feedback | mostly a feed-forward stack |
# | learning | local synaptic changes; credit assignment unknown | exact gradients: backprop |
# | cost | learns from few examples on about 20 W | many examples (ch. 6), much compute (ch. 1) |
#
# So a neural network is *inspired by* the brain, not a model of it. Scale alone:

# %%
synapses = 1e14  # a low estimate for the human brain
print(f"this chapter's MLP: {mlp.count_params():,} weights")
print(
    f"a human brain: about {synapses:.0e} synapses, {synapses / mlp.count_params():.0e} times more"
)

# %% [markdown]
# ## 2.9 The computational graph (计算图)
#
# Document [0] says the four steps of training (prediction, loss, gradient, update) "can be
# implemented with a computational graph (计算图): a data structure that represents the
# computation of a neural network and is used to compute gradients and update weights
# automatically". `dlcourse.autodiff.Value` is such a data structure in a few hundred lines (after
# Karpathy's micrograd). Each operation on `Value`s returns a new node that remembers its
# inputs and, beside them, its local derivative: for `out = a * b`, $\partial out/\partial a =
# b$ and $\partial out/\partial b = a$.
#
# Our neuron with two inputs and a tanh activation, and a squared error against the target 1:
#
# $$ y = \tanh(w_1x_1 + w_2x_2 + b), \qquad L = (y - 1)^2 . $$

# %%
x1, x2 = Value(2.0, "x1"), Value(-1.0, "x2")  # inputs
w1, w2, b = Value(0.5, "w1"), Value(1.5, "w2"), Value(0.25, "b")  # parameters
z = x1 * w1 + x2 * w2 + b
z.label = "z"
y = z.tanh()
y.label = "y"
loss = (y - 1.0) ** 2
loss.label = "loss"
loss.backward()  # fills .grad of every node: ∂loss/∂node
draw_graph(loss)
plt.show()

# %% [markdown]
# Every box shows a value (`data`) and the derivative of the loss with respect to it (`grad`),
# filled in by `loss.backward()`. The TensorFlow twin: `tf.GradientTape` records the same
# operations on `tf.Variable`s and differentiates them.

# %%
leaves = [x1, x2, w1, w2, b]
variables = {v.label: tf.Variable(v.data, dtype=tf.float64) for v in leaves}
with tf.GradientTape() as tape:
    t = variables
    loss_tf = (tf.tanh(t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"]) - 1.0) ** 2
grads_tf = tape.gradient(loss_tf, variables)

for v in leaves:
    print(
        f"∂loss/∂{v.label:<2}  Value {v.grad:+.6f}   GradientTape {grads_tf[v.label].numpy():+.6f}"
    )
agree = all(np.isclose(grads_tf[v.label].numpy(), v.grad, rtol=1e-12, atol=1e-15) for v in leaves)
print(
    "loss agrees:",
    np.isclose(loss_tf.numpy(), loss.data, rtol=1e-12),
    "| gradients agree to 1e-12:",
    agree,
)

# %% [markdown]
# ### Exercise 2.9: the product node (练习：乘法节点)
#
# Write `mul(a, b)` for two `Value`s: return a new `Value` holding `a.data * b.data`, record its
# inputs in `out._prev = (a, b)`, and give it a `_backward` function that **adds** to each
# input's `grad` its local derivative times `out.grad`. (Why add? `mul(x, x)` uses `x` twice,
# and both contributions count.) The check runs it inside larger graphs against finite
# differences.


# %% nbgrader={"grade": false, "grade_id": "ch2_value_mul", "locked": false, "schema_version": 3, "solution": true}
def mul(a, b):
    """The product node out = a · b of the autodiff engine, with its backward step."""
    ### BEGIN SOLUTION
    out = Value(a.data * b.data)
    out._prev, out.op = (a, b), "*"

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch2_value_mul_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch2.check_value_mul(mul)

# %% [markdown]
# ## 2.10 Forward pass and backpropagation (前向传播与反向传播)
#
# The graph above was used twice [1][3]:
#
# * **Forward pass** (前向传播): values flow from the inputs to the loss. Each node is computed
#   after its inputs: a *topological order* of the graph.
# * **Backpropagation** (反向传播): gradients flow from the loss back to the inputs, visiting
#   the same nodes in reverse order. The loss starts with $\partial L/\partial L = 1$; each node
#   passes to each input its local derivative times its own gradient (the chain rule,
#   $\partial L/\partial w = \partial L/\partial y \cdot \partial y/\partial w$ [2]), and a node
#   used several times adds up what it receives.

# %%
order = topological_order(loss)
names = [f"{v.label} [{v.op}]".strip() if v.op else v.label or f"{v.data:g}" for v in order]
print("forward :", " → ".join(names))
print("backward:", " → ".join(reversed(names)))

# %% [markdown]
# Backpropagation only *computes* gradients. [0]'s four steps are: compute the prediction,
# compute the loss, compute the gradient (backpropagation), **update the weights**; the update
# is gradient descent, $w \leftarrow w - \alpha\, \partial L/\partial w$, chapter 3's subject. One
# step of it on our neuron lowers the loss:

# %%
learning_rate = 0.1
for p in (w1, w2, b):
    p.data -= learning_rate * p.grad  # one gradient-descent step
new_loss = ((x1 * w1 + x2 * w2 + b).tanh() - 1.0) ** 2
print(f"loss before the step {loss.data:.4f}, after {new_loss.data:.4f}")

# %% [markdown]
# A network runs the same two passes with one node per layer instead of one per number: every
# layer of `dlcourse.nn` has `forward(x)` and `backward(dout) -> dx`, and `backward` fills
# `layer.grads`, one gradient per weight, with the weight's shape. Chapter 3 derives them.

# %%
out = model0.forward(x_digits[:5], training=True)  # forward pass, 5 images
dx = model0.backward(np.ones_like(out) / out.size)  # backward pass from a stand-in gradient
for layer_ in model0.layers:
    shapes = {name: grad.shape for name, grad in layer_.grads.items()}
    print(f"Dense({layer_.units}): gradients {shapes}")

# %% [markdown]
# ## Summary (小结)
#
# * A neuron computes $f(w^\top x + b)$; a layer computes many at once, $f(XW + b)$; NumPy and
#   TensorFlow agree on both.
# * The input layer is the data; `Dense` layers are hidden layers and the output layer. The
#   documents' "two Dense layers = input and output layer" is wrong: the first is hidden.
# * One neuron draws one line; XOR needs a hidden layer, which learns a representation in
#   which a line suffices.
# * Deep learning is machine learning with several hidden layers. On small clean data a
#   shallow learner such as an SVM can match it; its strength is learning features.
# * The brain inspired the vocabulary, not the algorithm.
# * A computational graph records the operations; backpropagation walks it backwards to get
#   every gradient, and gradient descent (chapter 3) uses them.
#
# The chapter's terms, from the course glossary:

# %%
display(Markdown(glossary.table(2)))
