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
# # 3 Algorithms and maths (核心算法原理和具体操作步骤以及数学模型公式详细讲解)
#
# The third section of every source document has the same long title: "the core algorithms,
# their concrete steps, and a detailed explanation of the mathematical formulas". This chapter
# takes each formula the documents give and shows it three ways: the maths in LaTeX, the NumPy
# reference of `dlcourse.nn`, and its TensorFlow twin, with the agreement printed.
#
# | section | what you will see |
# |---|---|
# | 3.1 | forward propagation, $y = f(Wx + b)$, layer by layer |
# | 3.2 | activations: sigmoid, tanh, ReLU, softmax; derivatives; numerically stable forms |
# | 3.3 | losses: mean squared error, cross-entropy (binary, categorical, sparse); clipping |
# | 3.4 | linear regression $y = wx + b$ trained by gradient descent, against least squares |
# | 3.5 | backpropagation: the chain rule, $\Delta W$, $\Delta b$, [0]'s four steps; gradient checking |
# | 3.6 | claim check: does backpropagation compute gradients "by gradient descent"? |
# | 3.7 | gradient descent and the optimizers (SGD, Momentum, AdaGrad, RMSprop, Adam); learning rate, batch size, epochs; two widgets |
# | 3.8 | regularisation: L1, L2, dropout |
# | 3.9 | convolution, pooling, flatten and fully connected layers on a real digit |
#
# References [0]…[4] are the five source documents (`seeds/000…004`). Chapter 2 met the ideas
# (neuron, layer, computational graph); here comes the arithmetic.

# %% [markdown]
# ## Setup (设置)
#
# The parameter cell holds the sizes. The defaults run offline in under a minute. Section 3.9
# convolves one real digit: scikit-learn's 8×8 digits by default; `DATASET = "mnist"` takes a
# 28×28 image from MNIST's test set instead, if its files are present (`MNIST_DIR`, or
# `DLCOURSE_DATA_DIR`; see chapter 4).

# %%
DATASET = "digits"  # image of 3.9: "digits" (8×8, offline) or "mnist" (28×28, needs the files)
MNIST_DIR = None  # folder of MNIST's files for DATASET = "mnist" (None: the loader's search)
IMAGE_INDEX = 0  # which image 3.9 convolves
GD_STEPS = 100  # gradient-descent steps of the linear regression (3.4, 3.7)
LEARNING_RATES = (0.01, 0.5, 1.5)  # too small, good, too large (3.7)
BATCH_SIZES = (8, 64, 1024)  # the batch-size experiment (3.7)
EPOCHS = 10  # epochs of the batch-size experiment
REG_EPOCHS = 30  # epochs of the regularisation experiment (3.8)
LIVE_EPOCHS = 20  # epochs of the NumPy model drawn live (3.7)
KERAS_EPOCHS = 5  # epochs of the Keras model drawn live (3.7)
SEED = 0

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from dlcourse import data, glossary, nn, tfnn, widgets
from dlcourse.experiments import ch3_figures as figures
from dlcourse.experiments import ch3_maths as maths
from dlcourse.gradcheck import check_layer, rel_error
from dlcourse.nn import activations
from dlcourse.tfnn import keras, tf

threadpool_limits(limits=1, user_api="blas")  # small matrices: one BLAS thread is fastest
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()
rng = np.random.default_rng(SEED)

x_digits, y_digits = data.load_digits(flat=True)  # 1,797 images of 8×8 pixels in [0, 1]
x_train, x_val, y_train, y_val = train_test_split(
    x_digits, y_digits, test_size=0.2, stratify=y_digits, random_state=SEED
)
print("digits: train", x_train.shape, "validation", x_val.shape)

# %% [markdown]
# ## 3.1 Forward propagation (前向传播)
#
# "Given the input $x$, forward propagation computes the output $y$" [4]:
#
# $$ y = f(Wx + b), $$
#
# with $W$ the weight matrix, $x$ the input vector, $b$ the bias vector and $f$ the activation
# [4] ([2] writes only $y = f(x)$, leaving the weighted sum implicit). A network
# repeats it **layer by layer** [3]: the input enters the first layer, each layer computes its
# outputs from its inputs and weights, and passes them on until the last layer gives the result:
#
# $$ h^{(0)} = x, \qquad h^{(l)} = f_l\big(W_l h^{(l-1)} + b_l\big), \qquad y = h^{(L)} . $$
#
# Keras (and `dlcourse.nn`) store each sample as a **row** and a batch $X$ as a matrix of shape
# `(N, inputs)`, so the same formula reads $H = f(XW + b)$ with $W$ of shape `(inputs, units)`:
# [4]'s $W$ is the transpose of Keras' kernel. Here is a network 64 → 16 (ReLU) → 10 (softmax),
# in float64, on 8 digit images, layer by layer in NumPy:

# %%
model = nn.Sequential(
    [nn.layers.Dense(16, activation="relu"), nn.layers.Dense(10, activation="softmax")],
    seed=SEED,
    dtype="float64",
)
model.build((None, 64))
W1, b1, W2, b2 = model.get_weights()  # copies: kernels (64, 16), (16, 10); biases (16,), (10,)

x = x_digits[:8].astype(np.float64)  # 8 images, one per row
h = activations.relu(x @ W1 + b1)  # layer 1: f(xW + b) with f = ReLU
p = activations.softmax(h @ W2 + b2)  # layer 2: f = softmax
print("x", x.shape, "→ h", h.shape, "→ p", p.shape)
print("[4]'s column form f(Wx + b), W = kernelᵀ:", np.allclose(W1.T @ x[0] + b1, x[0] @ W1 + b1))
print("same as model.forward:", np.allclose(p, model.forward(x), rtol=1e-12, atol=0))

# %% [markdown]
# The TensorFlow twin: the same two lines in TensorFlow ops, and the same network as a Keras
# model (`tfnn.to_keras` copies the layers and the weights).

# %%
h_tf = tf.nn.relu(tf.constant(x) @ W1 + b1)
p_tf = tf.nn.softmax(h_tf @ W2 + b2)
keras_model = tfnn.to_keras(model)  # same architecture, same weights, float64
p_keras = keras_model.predict(x, verbose=0)
print("TensorFlow ops == NumPy:", np.allclose(p_tf.numpy(), p, rtol=1e-12, atol=1e-15))
print("Keras model    == NumPy:", np.allclose(p_keras, p, rtol=1e-12, atol=1e-15))

# %% [markdown]
# ## 3.2 Activation functions (激活函数)
#
# "The sigmoid function describes a neuron's activation, the softmax function the output
# layer's prediction for multi-class problems" [0]. With ReLU and tanh these are the
# activations the documents' code uses:
#
# | activation | $f(x)$ | derivative $f'(x)$ |
# |---|---|---|
# | sigmoid (Sigmoid 函数) [0][3] | $\sigma(x) = \dfrac{1}{1 + e^{-x}}$ | $\sigma(x)\,(1 - \sigma(x))$, at most $\tfrac14$ |
# | tanh | $\tanh x = \dfrac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$ | $1 - \tanh^2 x$, at most 1 |
# | ReLU (线性整流函数) | $\max(x, 0)$ | 1 for $x > 0$, 0 for $x < 0$ (0 at $x = 0$ by convention) |
# | softmax (Softmax 函数) [0] | $\mathrm{softmax}(z)_i = \dfrac{e^{z_i}}{\sum_j e^{z_j}}$ | $\dfrac{\partial s_i}{\partial z_j} = s_i(\delta_{ij} - s_j)$ |
#
# Each derivative is written through the function's *output*, which a layer keeps from its
# forward pass. Softmax maps a vector to a vector, so its derivative is a matrix (the Jacobian);
# backpropagation needs only its product with the upstream gradient,
# $J^\top g = s \odot (g - \langle g, s\rangle)$ (`softmax_backward`).
#
# NumPy's functions and derivatives (written by hand) against TensorFlow's (derivatives by
# `tf.GradientTape`), on 11 points from −5 to 5:

# %%
z = np.linspace(-5.0, 5.0, 11)
for name in ("sigmoid", "tanh", "relu"):
    f_np, df_np = getattr(activations, name), getattr(activations, name + "_derivative")
    f_tf, df_tf = getattr(tfnn.activations, name), getattr(tfnn.activations, name + "_derivative")
    same_f = np.allclose(f_np(z), f_tf(z).numpy(), rtol=1e-12, atol=1e-15)
    same_df = np.allclose(df_np(z), df_tf(z).numpy(), rtol=1e-12, atol=1e-15)
    print(f"{name:8s} f agrees: {same_f}   f' by hand == GradientTape: {same_df}")

logits, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))  # 4 samples, 3 classes
s = activations.softmax(logits)
t = tf.constant(logits)
with tf.GradientTape() as tape:
    tape.watch(t)
    s_tf = tfnn.activations.softmax(t)
ds_tf = tape.gradient(s_tf, t, output_gradients=tf.constant(g))
print("softmax  rows sum to 1:", np.allclose(s.sum(axis=1), 1.0), "  agrees:", np.allclose(s, s_tf))
print("softmax  Jᵀg by hand == GradientTape:", np.allclose(activations.softmax_backward(g, s), ds_tf))

# %%
figures.plot_activations()
plt.show()

# %% [markdown]
# The sigmoid's derivative is at most ¼ and vanishes for large $|x|$; tanh's is at most 1;
# ReLU's is exactly 1 for every positive input, which is why deep networks train more easily
# with ReLU (chapter 6 measures it). Right: softmax turns three scores into probabilities that
# always sum to one; raising one score takes probability from the others. (With two classes,
# softmax of $[z, 0]$ is exactly $\sigma(z)$.)
#
# ### Numerically stable forms (数值稳定形式)
#
# The formulas as written fail on a computer for large inputs. $e^{-x}$ overflows float64 for
# $x < -709$ (float32 already for $x < -88$), and softmax's $e^{z_i}$ overflows for large
# scores, giving $\infty/\infty = $ NaN. The stable forms never exponentiate a positive number:
#
# $$ \sigma(x) = \begin{cases} \dfrac{1}{1 + e^{-x}} & x \ge 0 \\[4pt] \dfrac{e^{x}}{1 + e^{x}} & x < 0 \end{cases}
# \qquad \mathrm{softmax}(z)_i = \frac{e^{z_i - m}}{\sum_j e^{z_j - m}},\; m = \max_j z_j , $$
#
# both algebraically equal to the originals. At $\pm 10^3$:

# %%
big = np.array([-1000.0, 0.0, 1000.0])
for name, fn in [
    ("naive sigmoid", maths.naive_sigmoid),
    ("stable sigmoid", activations.sigmoid),
    ("naive softmax", maths.naive_softmax),
    ("stable softmax", activations.softmax),
    ("TF softmax", lambda v: tfnn.activations.softmax(v).numpy()),
]:
    out, problems = maths.catch_warnings(fn, big)
    print(f"{name:15s} {np.round(out, 4)}   warnings: {problems or 'none'}")

# %% [markdown]
# The naive sigmoid gets the right numbers here only by luck ($1/(1 + \infty) = 0$) and warns;
# the naive softmax returns NaN, which would poison every weight it touches. The stable
# forms are exact and silent.
#
# ### Exercise 3.2: a stable sigmoid (练习：数值稳定的 Sigmoid)
#
# Write `sigmoid(x)` for a NumPy array `x` of any shape: $1/(1 + e^{-x})$, without overflow
# for inputs of ±1e4. Hint: `np.exp(-np.abs(x))` never overflows; `np.where` picks a form per
# entry.


# %% nbgrader={"grade": false, "grade_id": "ch3_sigmoid", "locked": false, "schema_version": 3, "solution": true}
def sigmoid(x):
    """Numerically stable σ(x) = 1 / (1 + e^{-x}), elementwise."""
    ### BEGIN SOLUTION
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch3_sigmoid_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
from dlcourse.exercises import ch3

ch3.check_sigmoid(sigmoid)

# %% [markdown]
# ## 3.3 Loss functions (损失函数)
#
# "A loss function measures the difference between the network's predictions and the true
# values; the smaller it is, the better the model" [0][2]. The two families the documents
# name are the mean squared error (均方误差) and the cross-entropy (交叉熵) [2].
#
# ### Mean squared error (均方误差)
#
# Document [3] writes the regression loss with a factor ½:
#
# $$ J(\theta) = \frac{1}{2m} \sum_{i=1}^{m} \big(h_\theta(x^{(i)}) - y^{(i)}\big)^2,
# \qquad \frac{\partial J}{\partial h_\theta(x^{(i)})} = \frac{1}{m}\big(h_\theta(x^{(i)}) - y^{(i)}\big). $$
#
# The ½ is there to cancel the 2 of the derivative. Keras' `mean_squared_error` (`loss="mse"`)
# is the plain mean, $\mathrm{MSE} = \frac1m \sum (\hat y - y)^2 = 2J$, with gradient
# $\frac{2}{m}(\hat y - y)$. Both have the same minimum; the factor 2 only rescales the gradient,
# as doubling the learning rate would.

# %%
y_true = rng.normal(size=(6, 1))  # 6 targets
y_pred = y_true + rng.normal(0.0, 0.5, size=(6, 1))  # 6 predictions
mse_np = nn.losses.MeanSquaredError()(y_true, y_pred)  # NumPy reference (Keras' form)
mse_keras = float(keras.losses.MeanSquaredError(dtype="float64")(y_true, y_pred))
J = np.sum((y_pred - y_true) ** 2) / (2 * len(y_true))  # [3]'s J
print(f"MSE: NumPy {mse_np:.6f}, Keras {mse_keras:.6f};  J = MSE / 2: {np.isclose(J, mse_np / 2)}")

v = tf.Variable(y_pred)
with tf.GradientTape() as tape:
    loss_tf = keras.losses.MeanSquaredError(dtype="float64")(y_true, v)
grad_np = nn.losses.MeanSquaredError().gradient(y_true, y_pred)
print("∂MSE/∂ŷ NumPy == GradientTape:", np.allclose(grad_np, tape.gradient(loss_tf, v)))
print("∂MSE/∂ŷ == 2(ŷ − y)/m:", np.allclose(grad_np, 2 * (y_pred - y_true) / len(y_true)))

# %% [markdown]
# ### Cross-entropy (交叉熵)
#
# For classification the loss compares probability distributions. Document [1] gives the
# cross-entropy of the predicted distribution $q$ against the true one $p$:
#
# $$ H(p, q) = -\sum_{i=1}^{n} p_i \log q_i . $$
#
# With one true class $k$ (a one-hot $p$) only one term survives: $H = -\log q_k$. The three
# forms Keras offers [2]:
#
# * **binary** (`binary_crossentropy`), one probability $q = \sigma(z)$ per sample and a label
#   $y \in \{0, 1\}$: $\;-\big[y \log q + (1 - y) \log(1 - q)\big]$;
# * **categorical** (`categorical_crossentropy`), one-hot labels $p$: $\;-\sum_i p_i \log q_i$;
# * **sparse categorical** (`sparse_categorical_crossentropy`), integer labels $k$:
#   $\;-\log q_k$, the same number without building the one-hot vectors.

# %%
labels = np.array([0, 2, 1, 2, 0])  # 5 samples, 3 classes
onehot = nn.utils.to_categorical(labels, 3)
q = activations.softmax(rng.normal(size=(5, 3)))  # predicted probabilities
by_formula = -np.sum(onehot * np.log(q), axis=1)  # H(p, q) per sample
results = {
    "categorical, NumPy": nn.losses.categorical_crossentropy(onehot, q),
    "sparse, NumPy": nn.losses.sparse_categorical_crossentropy(labels, q),
    "categorical, TF ops": tfnn.losses.categorical_crossentropy(onehot, q).numpy(),
    "sparse, Keras": keras.losses.sparse_categorical_crossentropy(labels, q).numpy(),
}
print("H(p, q) by the formula:", np.round(by_formula, 4))
for name, values in results.items():
    print(f"{name:20s} agrees: {np.allclose(values, by_formula, rtol=1e-12)}")

# %%
y01 = np.array([[1.0], [0.0], [1.0], [0.0]])  # binary labels
zb = rng.normal(size=(4, 1))  # logits
qb = activations.sigmoid(zb)
bce = -(y01 * np.log(qb) + (1 - y01) * np.log(1 - qb))[:, 0]
print("binary, by the formula:", np.round(bce, 4))
print("NumPy             agrees:", np.allclose(nn.losses.binary_crossentropy(y01, qb), bce))
print("NumPy from logits agrees:", np.allclose(nn.losses.binary_crossentropy(y01, zb, True), bce))
print("Keras             agrees:", np.allclose(keras.losses.binary_crossentropy(y01, qb), bce))

# %% [markdown]
# ### Keras' clipping (裁剪)
#
# $-\log q_k$ is infinite when the model gives the true class probability 0 exactly (which
# float arithmetic does: $\sigma(-40) = 4\times10^{-18}$, $1 - \sigma(40) = 0$). Keras therefore
# clips probabilities to $[\varepsilon, 1-\varepsilon]$ with $\varepsilon = 10^{-7}$ before the
# logarithm, which caps the loss at $-\log 10^{-7} \approx 16.12$ (and gives zero gradient where
# the clip is active). With `from_logits=True` the loss is computed from the scores directly
# ($-z_k + \log\sum_j e^{z_j}$, stable), with no clipping at all.

# %%
q_zero = np.array([[0.0, 0.5, 0.5]])  # the true class 0 gets probability 0
p_zero = np.array([[1.0, 0.0, 0.0]])
textbook, problems = maths.catch_warnings(lambda qq: -np.sum(p_zero * np.log(qq), axis=1), q_zero)
print("textbook −Σ p log q:", textbook, problems)
print("dlcourse.nn        :", np.round(nn.losses.categorical_crossentropy(p_zero, q_zero), 4))
print("keras              :", np.round(keras.losses.categorical_crossentropy(p_zero, q_zero), 4))
print("−log(1e-7)         :", round(-np.log(1e-7), 4))
z_far = np.array([[-1e4, 0.0, 0.0]])  # logits: the true class far below the others
print("from logits, exact :", nn.losses.categorical_crossentropy(p_zero, z_far, from_logits=True))

# %% [markdown]
# ## 3.4 Linear regression by gradient descent (线性回归与梯度下降)
#
# Document [3]'s list of formulas starts with the linear model and ends with gradient descent:
#
# $$ y = wx + b, \qquad J(w, b) = \frac{1}{2m}\sum_{i=1}^{m}(wx_i + b - y_i)^2, \qquad
# \theta := \theta - \alpha \nabla_\theta J(\theta), $$
#
# where $\theta = (w, b)$ and $\alpha$ is the learning rate (学习率). By the chain rule,
#
# $$ \frac{\partial J}{\partial w} = \frac1m \sum_i (wx_i + b - y_i)\,x_i, \qquad
# \frac{\partial J}{\partial b} = \frac1m \sum_i (wx_i + b - y_i). $$
#
# Forty points near the line $y = 2x - 1$; the gradient at $(w, b) = (0.5, 0)$ by the formula in
# NumPy and by `tf.GradientTape`:

# %%
x_line, y_line = maths.make_line_data(n=40, w=2.0, b=-1.0, noise=0.5, seed=SEED)
w0, b0 = 0.5, 0.0
dw, db = maths.half_mse_gradient(w0, b0, x_line, y_line)  # NumPy, the formula above

w_tf, b_tf = tf.Variable(w0, dtype=tf.float64), tf.Variable(b0, dtype=tf.float64)
with tf.GradientTape() as tape:
    J_tf = tf.reduce_sum((w_tf * x_line + b_tf - y_line) ** 2) / (2 * len(x_line))
dw_tf, db_tf = tape.gradient(J_tf, [w_tf, b_tf])
print(f"J     NumPy {maths.half_mse(w0, b0, x_line, y_line):.6f}   TensorFlow {J_tf.numpy():.6f}")
print(f"∂J/∂w NumPy {dw:.6f}   TensorFlow {dw_tf.numpy():.6f}")
print(f"∂J/∂b NumPy {db:.6f}   TensorFlow {db_tf.numpy():.6f}")

# %% [markdown]
# Now the loop: start at $(0, 0)$ and take `GD_STEPS` steps against the gradient. Linear
# regression also has a closed-form answer, the least-squares line from the normal equations
# $(A^\top A)\theta = A^\top y$ with $A = [x, 1]$: gradient descent must arrive there.

# %%
fit = maths.fit_line_gd(x_line, y_line, learning_rate=0.5, steps=GD_STEPS)
w_star, b_star = maths.least_squares(x_line, y_line)
print(f"gradient descent: w = {fit.w:.4f}, b = {fit.b:.4f}  ({GD_STEPS} steps of α = 0.5)")
print(f"least squares   : w = {w_star:.4f}, b = {b_star:.4f}  (normal equations)")
print(f"J from {fit.losses[0]:.4f} down to {fit.losses[-1]:.4f}; the noise keeps it above 0")
figures.plot_line_fit(x_line, y_line, fit)
plt.show()

# %% [markdown]
# Right: the loss surface $J(w, b)$ is a bowl (a quadratic), and each step moves
# perpendicular to its contour lines, downhill. Its minimum is not the true line $(2, -1)$
# but the best line for these 40 noisy points.
#
# ### Exercise 3.4: one step of gradient descent (练习：梯度下降的一步)
#
# Write `gd_step(w, b, x, y, learning_rate)`: return the new `(w, b)` after one step on $J$.


# %% nbgrader={"grade": false, "grade_id": "ch3_gd_step", "locked": false, "schema_version": 3, "solution": true}
def gd_step(w, b, x, y, learning_rate):
    """One gradient-descent step on J = 1/(2m) Σ (w x + b − y)²; returns (w, b)."""
    ### BEGIN SOLUTION
    error = w * x + b - y
    return w - learning_rate * np.mean(error * x), b - learning_rate * np.mean(error)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch3_gd_step_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch3.check_gd_step(gd_step)

# %% [markdown]
# ## 3.5 Backpropagation (反向传播)
#
# A network is a chain of functions, so its gradient is a product of local derivatives: the
# **chain rule** (链式法则). Document [2] writes it for a weight $w$ that acts on the output $y$:
#
# $$ \frac{\partial L}{\partial w} = \frac{\partial L}{\partial y} \cdot \frac{\partial y}{\partial w}, $$
#
# and [4] for a whole layer's weights and biases:
#
# $$ \Delta W = \frac{\partial L}{\partial W} = \frac{\partial L}{\partial y} \cdot \frac{\partial y}{\partial W},
# \qquad \Delta b = \frac{\partial L}{\partial b} = \frac{\partial L}{\partial y} \cdot \frac{\partial y}{\partial b}. $$
#
# For a `Dense` layer $z = xW + b$, $y = f(z)$, on a batch `x (N, in)`, the products become
# matrix products. With $\delta = \partial L/\partial z = \partial L/\partial y \odot f'(z)$ of
# shape `(N, units)`:
#
# $$ \Delta W = x^\top \delta \;\;(\text{in}, \text{units}), \qquad
# \Delta b = \textstyle\sum_{n} \delta_n \;\;(\text{units},), \qquad
# \frac{\partial L}{\partial x} = \delta\, W^\top \;\;(N, \text{in}). $$
#
# The last one is handed to the layer below: that is the "back" in backpropagation. For softmax
# followed by the mean cross-entropy the two derivatives collapse into
# $\delta = (q - p)/N$: predicted minus true probabilities.
#
# ### The four steps (反向传播的四个步骤)
#
# Document [0] lists backpropagation's steps: **1.** compute the output layer's prediction;
# **2.** compute the loss; **3.** compute the loss's gradient; **4.** update the weights. All
# four, by hand, on the network of 3.1 and its 8 images:

# %%
y8 = nn.utils.to_categorical(y_digits[:8], 10)  # the 8 images' labels, one-hot
z1 = x @ W1 + b1  # 1. prediction: the forward pass, keeping z1 for step 3
h = activations.relu(z1)
p = activations.softmax(h @ W2 + b2)
loss = np.mean(-np.sum(y8 * np.log(p), axis=1))  # 2. the loss: mean cross-entropy
print(f"loss = {loss:.4f}   (a uniform guess would give log 10 = {np.log(10):.4f})")

# %%
delta2 = (p - y8) / len(x)  # 3. gradient: ∂L/∂z2, softmax and cross-entropy together
dW2, db2 = h.T @ delta2, delta2.sum(axis=0)  # ΔW = xᵀδ, Δb = Σδ   [4]
delta1 = (delta2 @ W2.T) * (z1 > 0)  # chain rule back through W2, then ReLU' [2]
dW1, db1 = x.T @ delta1, delta1.sum(axis=0)
by_hand = [dW1, db1, dW2, db2]
print("gradient shapes:", [g.shape for g in by_hand])

# %% [markdown]
# The same gradients from the NumPy reference (`model.backward`, layer by layer, starting from
# the loss's gradient) and from TensorFlow (`GradientTape` on the Keras twin):

# %%
cce = nn.losses.CategoricalCrossentropy()
from_backward = maths.backprop_gradients(model, cce, x, y8)  # forward, loss gradient, backward

with tf.GradientTape() as tape:
    loss_tf = keras.losses.CategoricalCrossentropy(dtype="float64")(y8, keras_model(x))
from_tape = [g.numpy() for g in tape.gradient(loss_tf, keras_model.trainable_weights)]

print(f"loss: by hand {loss:.6f}, NumPy model {cce(y8, model.forward(x)):.6f}, Keras {loss_tf:.6f}")
for name, a, b_, c in zip(["W1", "b1", "W2", "b2"], by_hand, from_backward, from_tape, strict=True):
    print(
        f"Δ{name} {str(a.shape):8s} by hand == model.backward: {rel_error(a, b_) < 1e-9}, "
        f"== GradientTape: {rel_error(a, c) < 1e-9}"
    )

# %% [markdown]
# Step 4 is gradient descent, $W := W - \alpha\,\Delta W$: the loss goes down.

# %%
alpha = 0.5
for param, grad in zip([W1, b1, W2, b2], by_hand, strict=True):
    param -= alpha * grad  # 4. update (W1, … are copies: the model itself is unchanged)
p_new = activations.softmax(activations.relu(x @ W1 + b1) @ W2 + b2)
print(f"loss before the update {loss:.4f}, after {np.mean(-np.sum(y8 * np.log(p_new), axis=1)):.4f}")

# %% [markdown]
# ### Gradient checking (梯度检验)
#
# An analytic gradient is trusted only once it matches a numerical one. For each entry
# $\theta_i$ the central difference
#
# $$ \frac{\partial L}{\partial \theta_i} \approx \frac{L(\theta + h e_i) - L(\theta - h e_i)}{2h},
# \qquad \text{error } O(h^2), $$
#
# is compared with backpropagation's value through the relative error
# $\max_i |a_i - b_i| / \max(10^{-8}, |a_i| + |b_i|)$. `dlcourse.gradcheck.check_layer` does it
# for a layer's input and every weight, in float64, under a random upstream gradient (a sum would
# hide a transposed or mis-summed gradient). Below $10^{-7}$ the gradient is right:

# %%
layers_to_check = {
    "Dense(5, tanh)": (nn.layers.Dense(5, activation="tanh"), rng.normal(size=(4, 3))),
    "Dense(4, softmax)": (nn.layers.Dense(4, activation="softmax"), rng.normal(size=(4, 3))),
    "Dense(3, relu) + L2": (
        nn.layers.Dense(3, activation="relu", kernel_regularizer=nn.regularizers.L2(0.01)),
        rng.normal(size=(4, 3)),
    ),
    "Conv2D(2, 3×3)": (nn.layers.Conv2D(2, (3, 3)), rng.normal(size=(2, 5, 5, 1))),
    "MaxPooling2D(2×2)": (nn.layers.MaxPooling2D((2, 2)), rng.normal(size=(2, 4, 4, 2))),
}
errors = {}
for name, (layer, xc) in layers_to_check.items():
    layer.ensure_built((None, *xc.shape[1:]), dtype=np.float64, rng=np.random.default_rng(SEED))
    errors[name] = check_layer(layer, xc, seed=SEED)  # {"x": error of dx, "kernel": …, …}
for name, errs in errors.items():
    print(f"{name:20s}", ", ".join(f"{k} < 1e-7: {e < 1e-7}" for k, e in errs.items()))

# %% [markdown]
# The errors themselves (they vary in the last digits between machines, so nbval ignores this
# cell): around $10^{-10}$, the size that float64 rounding and the $O(h^2)$ term allow.

# %%
# NBVAL_IGNORE_OUTPUT
for name, errs in errors.items():
    print(f"{name:20s}", ", ".join(f"{k}: {e:.1e}" for k, e in errs.items()))

# %% [markdown]
# ### Exercise 3.5: backward pass of a Dense layer (练习：全连接层的反向传播)
#
# Write `dense_backward(dout, x, W)` for $z = xW + b$: given $\partial L/\partial z$ = `dout`
# `(N, units)`, the input `x (N, in)` and the kernel `W (in, units)`, return `(dx, dW, db)`.


# %% nbgrader={"grade": false, "grade_id": "ch3_dense_backward", "locked": false, "schema_version": 3, "solution": true}
def dense_backward(dout, x, W):
    """Gradients of z = x W + b: returns (dx, dW, db) shaped like x, W and b."""
    ### BEGIN SOLUTION
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch3_dense_backward_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch3.check_dense_backward(dense_backward)

# %% [markdown]
# ## 3.6 Claim check: backpropagation and gradient descent (反向传播与梯度下降)
#
# > **Claim check.** Document [3] describes backpropagation in three steps: "1. compute the loss
# > between the output and the expected result. 2. compute each neuron's gradient by the
# > gradient descent algorithm. 3. adjust the weights and biases according to the gradients."
# > The second step reads, in the original: "2. 通过梯度下降算法，计算每个神经元的梯度。"
# > ([0], [1] and [4] likewise call backpropagation "an optimisation algorithm" that updates
# > the weights: 反向传播是一种优化算法，用于更新神经网络的权重 [0].)
#
# Two separate things are mixed up. **Backpropagation** (反向传播) *computes* the gradient, by the
# chain rule. **Gradient descent** (梯度下降) *uses* a gradient to change the weights. If the
# claim were right, backpropagation could not run without moving the weights, and gradient
# descent could not run without backpropagation. Two experiments.
#
# **1. Backpropagation alone.** Run it on the network of 3.1 and look at the weights:

# %%
before = model.get_weights()
loss_before = cce(y8, model.forward(x))
grads = maths.backprop_gradients(model, cce, x, y8)  # forward + backward, nothing else
unchanged = all(np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True))
print("weights bit-for-bit unchanged after backpropagation:", unchanged)
print("loss unchanged:", cce(y8, model.forward(x)) == loss_before)
print("gradients computed:", [f"{np.linalg.norm(gr):.3f}" for gr in grads])

# %% [markdown]
# **2. Gradient descent without backpropagation.** Train a small network on XOR
# (2 → 4 tanh → 1 sigmoid) by gradient descent, feeding it gradients from finite differences:
# every weight nudged by $\pm h$ and the loss recomputed, no chain rule, no backward pass. For
# comparison, the same descent from the same weights fed by backpropagation.

# %%
x_xor, y_xor = data.xor_table()
x_xor = x_xor.astype(np.float64)
bce_loss = nn.losses.BinaryCrossentropy()


def xor_network():
    """2 → Dense(4, tanh) → Dense(1, sigmoid), float64, the same initial weights every call."""
    net = nn.Sequential(
        [nn.layers.Dense(4, activation="tanh"), nn.layers.Dense(1, activation="sigmoid")],
        seed=SEED,
        dtype="float64",
    )
    net.build((None, 2))
    return net


net_fd, net_bp = xor_network(), xor_network()  # two copies of the same network
params_fd, params_bp = maths.model_parameters(net_fd), maths.model_parameters(net_bp)


def loss_fd():
    return bce_loss(y_xor, net_fd.forward(x_xor))


def loss_bp():
    return bce_loss(y_xor, net_bp.forward(x_xor))


# %%
curves = {
    "finite differences": maths.gradient_descent(
        loss_fd, lambda: maths.numerical_gradients(loss_fd, params_fd), params_fd, 1.0, 300
    ),
    "backpropagation": maths.gradient_descent(
        loss_bp, lambda: maths.backprop_gradients(net_bp, bce_loss, x_xor, y_xor), params_bp, 1.0, 300
    ),
}
for (source, curve), net in zip(curves.items(), (net_fd, net_bp), strict=True):
    outputs = np.round(net.predict(x_xor, verbose=0)[:, 0], 2)
    print(f"{source:18s} loss {curve[0]:.3f} → {curve[-1]:.3f}   outputs {outputs}  targets {y_xor}")
same = np.allclose(curves["finite differences"], curves["backpropagation"], rtol=1e-8)
print("the two loss curves agree to 1e-8:", same)

# %% [markdown]
# **Conclusion.** The claim is wrong. Backpropagation computed every gradient and left every
# weight bit-for-bit unchanged: it is not an optimiser and contains no descent. Gradient descent
# learned XOR from finite-difference gradients without a single backward pass, and the two loss
# curves agree (to better than 1e-8), because both sources give the same gradient. Backpropagation is
# simply the *cheap* way to get it: one backward pass costs about as much as a forward pass,
# while finite differences need two forward passes per weight (here 2 × 17 per step; for
# document [0]'s 25,450 weights, 50,900). The correct step 2 of [3] reads: "compute each
# neuron's gradient by the chain rule (backpropagation)"; step 3 is gradient descent.

# %% [markdown]
# ## 3.7 Gradient descent and optimizers (梯度下降与优化算法)
#
# "Gradient descent updates the parameters with their gradients, to minimise the loss" [1]:
# initialise the parameters; compute their gradient; update them; repeat until a stopping
# condition [1][3]. The update is [3]'s
#
# $$ \theta := \theta - \alpha\, \nabla_\theta J(\theta). $$
#
# **Stochastic gradient descent** (随机梯度下降, SGD) computes $\nabla J$ on a small random
# **batch** of samples instead of all of them: a noisy but much cheaper estimate. The
# optimisers that documents [2] and [4] list refine the step; with gradient $g$ and Keras'
# formulas (all state starts at 0 except AdaGrad's $G$, which starts at 0.1):
#
# | optimizer | update |
# |---|---|
# | SGD | $\theta := \theta - \alpha g$ |
# | Momentum (动量) | $v := \mu v - \alpha g, \quad \theta := \theta + v$ |
# | AdaGrad | $G := G + g^2, \quad \theta := \theta - \alpha\, g / \sqrt{G + \varepsilon}$ |
# | RMSprop | $s := \rho s + (1-\rho) g^2, \quad \theta := \theta - \alpha\, g / \sqrt{s + \varepsilon}$ |
# | Adam | $m := \beta_1 m + (1-\beta_1) g, \;\; v := \beta_2 v + (1-\beta_2) g^2, \;\; \theta := \theta - \alpha_t\, m / (\sqrt{v} + \hat\varepsilon), \;\; \alpha_t = \alpha \sqrt{1-\beta_2^t} / (1-\beta_1^t)$ |
#
# Momentum remembers past steps (it rolls through narrow valleys instead of zig-zagging);
# AdaGrad and RMSprop give each parameter its own step size, small where gradients have been
# large; Adam combines both, with a bias correction for the zero start (the textbook form
# divides $m$ and $v$ by $1 - \beta^t$ first; Keras folds it into $\alpha_t$). `dlcourse.nn`
# implements these formulas; `keras.optimizers` is TensorFlow's. Both apply the same 20 random
# gradients to the same float32 weights:

# %%
parity = maths.optimizer_parity(steps=20, seed=SEED)
for name, err in parity.items():
    cls, kwargs = maths.OPTIMIZER_SETTINGS[name]
    print(f"{name:9s} {cls}({kwargs}): NumPy == Keras after every step (float32, 1e-5): {err < 1e-5}")

# %% [markdown]
# ### Exercise 3.7: an Adam step (练习：Adam 的一步)
#
# Write `adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999,
# epsilon=1e-7)` for step `t = 1, 2, …`: update the moments `m` and `v`, correct their bias,
# and return `(w, m, v)`. The textbook form and Keras' form both pass.


# %% nbgrader={"grade": false, "grade_id": "ch3_adam_step", "locked": false, "schema_version": 3, "solution": true}
def adam_step(w, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """One Adam step at step t = 1, 2, …; returns (w, m, v)."""
    ### BEGIN SOLUTION
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad**2
    m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch3_adam_step_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch3.check_adam_step(adam_step)

# %% [markdown]
# ### Optimizers racing on loss surfaces (优化器竞赛)
#
# A network's loss surface has millions of dimensions; two-dimensional surfaces show the same
# difficulties in a picture. **Widget**: the optimizers race on a surface, each from the same
# start, with the course's NumPy optimizers (one learning rate each, in the legend). Press Play
# or drag the slider; pick another surface (an ill-conditioned bowl, Rosenbrock's curved
# valley, Beale's plateaus, a saddle, Himmelblau's four minima); untick racers; change the
# learning rates. (Without a running kernel you see the last frame.)

# %%
widgets.optimizer_race("rosenbrock")

# %% [markdown]
# The same paths, computed without the widget: the loss $f$ each optimizer reached after 300
# steps on Rosenbrock's valley (minimum 0 at (1, 1)).

# %%
rosenbrock = widgets.SURFACES["rosenbrock"]
for name, path in widgets.trajectories(rosenbrock, steps=300).items():
    lr = rosenbrock.learning_rates[name]
    print(f"{name:9s} (α = {lr:<5g}) f after 300 steps: {float(rosenbrock.value(path[-1])):.2e}")

# %% [markdown]
# Two more surfaces as static figures. Left, the ill-conditioned bowl $x^2/20 + y^2$, steep in
# $y$ and flat in $x$: one learning rate must suit both directions, so plain gradient descent
# (α = 0.9, just under the limit 2/2 = 1 that the steep direction sets) zig-zags across the
# valley, and momentum overshoots and swings back; AdaGrad, RMSprop and Adam scale each
# coordinate by its own gradient history and head almost straight for the minimum. Right, a
# saddle point at the origin, with the start almost exactly on the ridge $y = 0$: SGD and
# momentum slide to the saddle, where the gradient is nearly zero, and linger there for about
# 100 steps before the tiny $y$-component grows enough to carry them to a minimum; the adaptive
# methods, which divide each component by its own running size, turn within a few dozen steps.

# %%
figures.plot_optimizer_surfaces(("quadratic", "saddle"), steps=150)
plt.show()

# %% [markdown]
# ### Learning rate (学习率)
#
# The learning rate α is the step size. Too small, and descent needs forever; too large, and
# each step overshoots the minimum by more than it started from, so the loss grows. For the
# quadratic $J$ of 3.4 the boundary is exact: along each eigenvector of the Hessian
# $H = \nabla^2 J$ a step multiplies the error by $1 - \alpha\lambda$, which shrinks only while
# $\alpha < 2/\lambda_{\max}$.

# %%
alpha_max = maths.max_stable_learning_rate(x_line)
print(f"gradient descent on J converges for α < 2 / λ_max = {alpha_max:.3f}")
fits = [maths.fit_line_gd(x_line, y_line, lr, steps=GD_STEPS) for lr in LEARNING_RATES]
for f in fits:
    print(f"α = {f.learning_rate:<5g} J after {GD_STEPS} steps: {f.losses[-1]:10.4g}   diverged: {f.diverged}")
figures.plot_learning_rates(x_line, y_line, fits)
plt.show()

# %% [markdown]
# With α = 0.01 the path is still far from the minimum after 100 steps; α = 0.5 is within
# $10^{-6}$ of it after 10 steps (the excess loss falls along a straight line on the log scale:
# a constant factor per step); α = 1.5, just above the limit, jumps from side to side of the
# valley, further each time. In a network the Hessian is unknown and changes as training goes, so α is found by
# trying (chapter 5) and adaptive optimizers make the choice less critical.
#
# ### Batch size and epochs (批量大小与轮次)
#
# An **epoch** (轮次) is one pass over the training set; the **batch size** (批量大小) is the
# number of samples behind each gradient step, so one epoch makes $\lceil N / B \rceil$ updates.
# The same softmax regression (`Dense(10, softmax)`) on the 1,437 training digits, plain SGD
# with α = 0.1, `EPOCHS` epochs, three batch sizes:

# %%
rows = maths.batch_size_experiment(
    x_train, y_train, x_val, y_val, batch_sizes=BATCH_SIZES, epochs=EPOCHS, seed=SEED
)
print("batch size | updates per epoch | updates | training loss | validation accuracy")
for r in rows:
    print(
        f"{r['batch_size']:10d} | {r['updates_per_epoch']:17d} | {r['updates']:7d} | "
        f"{r['train_loss']:13.3f} | {r['val_accuracy']:19.2f}"
    )

# %% [markdown]
# For the same number of epochs (the same data, the same arithmetic), small batches make many
# more updates and get much further; a batch of 1,024 makes 2 updates per epoch and has barely
# started. Each small-batch step is noisier, and on a GPU a large batch costs little more time
# than a small one, so in practice one picks a batch that fills the hardware (32–512) and tunes α
# and the number of epochs with it.
#
# ### Watching the loss (损失曲线)
#
# **Widget**: `LiveLoss` draws the training and validation loss while a model trains (it is a
# callback: `fit(..., callbacks=[live])`). A `dlcourse.nn` MLP 64 → 32 → 10 with Adam:

# %%
live = widgets.LiveLoss()
mlp = nn.Sequential(
    [nn.layers.Dense(32, activation="relu"), nn.layers.Dense(10, activation="softmax")], seed=SEED
)
mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = mlp.fit(
    x_train, y_train, epochs=LIVE_EPOCHS, validation_data=(x_val, y_val), verbose=0, callbacks=[live]
)
print(f"after {LIVE_EPOCHS} epochs: validation accuracy {history.history['val_accuracy'][-1]:.2f}")

# %% [markdown]
# The same widget on a Keras model, through `live.keras()`:

# %%
live_keras = widgets.LiveLoss()
keras_mlp = keras.Sequential(
    [keras.Input((64,)), keras.layers.Dense(32, "relu"), keras.layers.Dense(10, "softmax")]
)
keras_mlp.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
keras_history = keras_mlp.fit(
    x_train,
    y_train,
    epochs=KERAS_EPOCHS,
    validation_data=(x_val, y_val),
    verbose=0,
    callbacks=[live_keras.keras()],
)
accuracy = keras_history.history["val_accuracy"][-1]
print(f"after {KERAS_EPOCHS} epochs: validation accuracy {accuracy:.2f}")

# %% [markdown]
# ## 3.8 Regularisation (正则化)
#
# "Regularisation prevents overfitting by adding a penalty term to the loss, which limits the
# model's complexity" [2]; the two it names are L1 and L2:
#
# $$ J_{L1} = J + \lambda \sum_i |w_i|, \qquad \frac{\partial}{\partial w_i} = \ldots + \lambda\,\mathrm{sign}(w_i);
# \qquad J_{L2} = J + \lambda \sum_i w_i^2, \qquad \frac{\partial}{\partial w_i} = \ldots + 2\lambda w_i . $$
#
# (Keras' L2 has no ½; textbooks often write $\frac{\lambda}{2}\sum w^2$, gradient $\lambda w$.)
# L2 pulls every weight towards 0 in proportion to its size ("weight decay"); L1 pulls with a
# constant force, so small weights reach 0 and stay there. The penalties in NumPy and Keras, with
# the gradients from `tf.GradientTape`:

# %%
W = rng.normal(size=(4, 3))
for name, reg_np, reg_keras, formula in [
    ("L1", nn.regularizers.L1(0.01), keras.regularizers.L1(0.01), 0.01 * np.abs(W).sum()),
    ("L2", nn.regularizers.L2(0.01), keras.regularizers.L2(0.01), 0.01 * (W**2).sum()),
]:
    v = tf.Variable(W)
    with tf.GradientTape() as tape:
        penalty_tf = reg_keras(v)
    same = np.allclose(reg_np.gradient(W), tape.gradient(penalty_tf, v).numpy(), rtol=1e-6)
    print(
        f"{name}: formula {formula:.6f}, NumPy {reg_np(W):.6f}, Keras {float(penalty_tf):.6f}; "
        f"gradients agree: {same}"
    )

# %% [markdown]
# (Keras rounds λ to float32, hence the comparison to 1e-6.) The experiment: softmax regression
# on the digits, trained three times from the same weights, without a penalty, with L2 and with
# L1 ($\lambda = 0.003$ on the kernel).

# %%
reg_results = maths.regularization_experiment(
    x_train, y_train, x_val, y_val, epochs=REG_EPOCHS, seed=SEED
)
print("penalty | ‖W‖   | weights with |w| < 0.01 | train acc. | validation acc.")
for name, r in reg_results.items():
    print(
        f"{name:7s} | {r.l2_norm:5.2f} | {r.near_zero:23.0%} | {r.train_accuracy:10.2f} | "
        f"{r.val_accuracy:15.2f}"
    )

# %%
figures.plot_regularized_kernels(reg_results, digit=0)
plt.show()

# %% [markdown]
# L2 shrinks the weights (smaller norm) but leaves almost none at zero; L1 sets about half of
# them to (nearly) zero: a sparse model that ignores many pixels, mostly near the border, where
# there is little ink. The four pixels that are blank in every training image are the clearest
# case: the data give their weights no gradient at all, so without a penalty they keep their
# random initial values for ever; L2 shrinks them, L1 sends them to 0. Accuracy barely moves:
# this model is too small to overfit much; chapter 6 shows the penalties against overfitting.
#
# ### Dropout (随机失活)
#
# Document [3] lists dropout against overfitting. During training, a dropout layer with rate
# $r$ zeroes each input with probability $r$ and scales the survivors by $1/(1 - r)$
# ("inverted dropout"), so the expected output equals the input; at inference it does
# nothing:
#
# $$ m_i \sim \mathrm{Bernoulli}(1 - r), \qquad y = \frac{m \odot x}{1 - r}, \qquad
# \frac{\partial L}{\partial x} = \frac{m}{1 - r} \odot \frac{\partial L}{\partial y}. $$
#
# The random masks of NumPy and Keras differ (different generators), so they are compared
# through what the formula promises:

# %%
x_drop = rng.uniform(0.5, 1.5, size=(200, 50))  # no zeros, so a zero means "dropped"
drop_np = nn.layers.Dropout(0.3, seed=SEED)
outputs = {
    "dlcourse.nn": drop_np.forward(x_drop, training=True),
    "keras": keras.layers.Dropout(0.3, seed=SEED, dtype="float64")(x_drop, training=True).numpy(),
}
for name, out in outputs.items():
    st = maths.dropout_statistics(x_drop, out, rate=0.3)
    print(
        f"{name:12s} dropped {st['dropped']:.2f}, kept entries = x / 0.7: {st['kept_scaled']}, "
        f"mean(y) / mean(x) = {st['mean_ratio']:.2f}"
    )
g_drop = rng.normal(size=x_drop.shape)
print("backward = mask ⊙ upstream:", np.array_equal(drop_np.backward(g_drop), g_drop * drop_np.mask))
print("identity at inference:", np.array_equal(drop_np.forward(x_drop), x_drop))

# %% [markdown]
# ## 3.9 Convolution, pooling, flatten, fully connected (卷积、池化、展平与全连接层)
#
# "A convolutional neural network (卷积神经网络) learns an image's features through
# convolutional layers, which convolve the input image to extract features; a fully connected
# layer (全连接层) multiplies every input by a weight, adds a bias and applies the activation"
# [1]. The four layers of [1]'s CNN, on `x (H, W, C)` with channels last:
#
# * **convolution** (卷积), a kernel `W (kh, kw, C, F)` slid over the image, stride 1, no padding
#   ("valid"; what deep-learning libraries call convolution is strictly a cross-correlation):
#   $$ y_{i,j,f} = b_f + \sum_{u=0}^{k_h-1}\sum_{v=0}^{k_w-1}\sum_{c} x_{i+u,\,j+v,\,c}\, W_{u,v,c,f},
#   \qquad (H, W) \to (H - k_h + 1,\; W - k_w + 1); $$
# * **max pooling** (池化), the largest value of each $2\times2$ window:
#   $y_{i,j,f} = \max_{u,v<2} x_{2i+u,\,2j+v,\,f}$, halving height and width;
# * **flatten** (展平), the maps as one long vector, $(h, w, F) \to (hwF,)$;
# * **fully connected** (`Dense`), $y = f(xW + b)$ as in 3.1.
#
# On a real digit, with four hand-made filters (a learned CNN finds its own):

# %%
image, label = maths.load_image(DATASET, IMAGE_INDEX, MNIST_DIR)  # (H, W, 1) in [0, 1]
kernel, names = maths.edge_kernels()  # (3, 3, 1, 4): Keras' layout (kh, kw, c_in, c_out)
conv = nn.layers.Conv2D(4, (3, 3))  # stride 1, padding "valid"
conv.ensure_built((None, *image.shape), dtype=np.float64, rng=np.random.default_rng(SEED))
conv.set_weights([kernel, np.zeros(4)])
maps = conv.forward(image[None])  # a batch of one image
pool = nn.layers.MaxPooling2D((2, 2))
pooled = pool.forward(maps)
print(f"a {label}: image {image.shape} → feature maps {maps.shape[1:]} → pooled {pooled.shape[1:]}")
i, j = 2, 3
by_formula = np.sum(image[i : i + 3, j : j + 3, 0] * kernel[:, :, 0, 0])
print(f"y[{i},{j}, vertical edges] by the formula == Conv2D: {np.isclose(by_formula, maps[0, i, j, 0])}")

# %%
figures.plot_feature_maps(image, kernel, names, maps[0], pooled[0])
plt.show()

# %% [markdown]
# Red is a positive response, blue a negative one: the vertical-edge filter lights up on the
# left and right borders of the strokes, with opposite signs, the horizontal one on the top and
# bottom borders; the blur smooths. Pooling keeps each window's strongest response, so the maps
# shrink by half while the "there is an edge around here" information survives. The Keras
# twins, given the same kernel:

# %%
keras_conv = keras.layers.Conv2D(4, (3, 3), dtype="float64")
keras_conv.build((None, *image.shape))
keras_conv.set_weights([kernel, np.zeros(4)])
maps_tf = keras_conv(image[None]).numpy()
pooled_tf = keras.layers.MaxPooling2D((2, 2), dtype="float64")(maps_tf).numpy()
print("Conv2D       NumPy == Keras:", np.allclose(maps, maps_tf, rtol=1e-12, atol=1e-12))
print("MaxPooling2D NumPy == Keras:", np.allclose(pooled, pooled_tf, rtol=1e-12, atol=1e-12))

# %% [markdown]
# Document [1]'s CNN is Conv2D(32, 3×3, relu) → MaxPooling2D(2×2) → Flatten → Dense(10,
# softmax), for 28×28 MNIST images; on this chapter's image, shape by shape, with each layer's
# number of weights:

# %%
cnn = nn.Sequential(
    [
        nn.layers.Conv2D(32, (3, 3), activation="relu"),
        nn.layers.MaxPooling2D((2, 2)),
        nn.layers.Flatten(),
        nn.layers.Dense(10, activation="softmax"),
    ],
    seed=SEED,
)
cnn.build((None, *image.shape))
a = image[None].astype(np.float32)
print(f"{'input':14s} {'':15s} → {a.shape}")
for layer in cnn.layers:
    a = layer.forward(a)
    print(f"{type(layer).__name__:14s} {layer.count_params():6d} weights → {a.shape}")
probs_np = cnn.predict(image[None], verbose=0)
probs_keras = tfnn.to_keras(cnn).predict(image[None], verbose=0)  # same weights, in Keras
print("NumPy CNN == Keras CNN (float32):", np.allclose(probs_np, probs_keras, rtol=1e-5, atol=1e-6))

# %% [markdown]
# The convolution has $3 \cdot 3 \cdot 1 \cdot 32 + 32 = 320$ weights however large the image,
# because the same small filters slide everywhere; the fully connected layer has one weight per
# (input, output) pair, $hwF \cdot 10 + 10$, which grows with the image (MNIST's 28×28 gives
# $13 \cdot 13 \cdot 32 \cdot 10 + 10 = 54{,}090$). Pooling and flattening have no weights.
#
# ### Exercise 3.9: convolution (练习：卷积)
#
# Write `conv2d_forward(x, W, b)` for `x (N, H, W, C)`, `W (kh, kw, C, F)`, `b (F,)`: stride 1,
# "valid" padding, output `(N, H − kh + 1, W − kw + 1, F)`. Hint: loop over the kernel's
# positions `(u, v)`, not over the image; `x[:, u:u + h_out, v:v + w_out, :] @ W[u, v]` does
# one position for every output pixel at once.


# %% nbgrader={"grade": false, "grade_id": "ch3_conv2d_forward", "locked": false, "schema_version": 3, "solution": true}
def conv2d_forward(x, W, b):
    """Convolution (cross-correlation), stride 1, valid padding: (N, H-kh+1, W-kw+1, F)."""
    ### BEGIN SOLUTION
    kh, kw = W.shape[:2]
    h_out, w_out = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((x.shape[0], h_out, w_out, W.shape[3])) + b
    for u in range(kh):
        for v in range(kw):
            out += x[:, u : u + h_out, v : v + w_out, :] @ W[u, v]
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch3_conv2d_forward_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch3.check_conv2d_forward(conv2d_forward)

# %% [markdown]
# ## Summary (小结)
#
# * Forward propagation is $y = f(xW + b)$ repeated layer by layer; NumPy, TensorFlow ops and a
#   Keras model give the same numbers.
# * Activations and their derivatives: sigmoid ($\sigma(1-\sigma) \le \frac14$), tanh, ReLU,
#   softmax (a Jacobian). Their textbook forms overflow at $\pm 10^3$; the stable forms do not.
# * Losses: [3]'s $J = \frac{1}{2m}\sum(h - y)^2$ is half of Keras' MSE; cross-entropy
#   $-\sum p \log q$ in binary, categorical and sparse form, clipped at $10^{-7}$ by Keras.
# * Linear regression by gradient descent reaches the least-squares line; α must stay below
#   $2/\lambda_{\max}$.
# * Backpropagation is the chain rule, $\Delta W = x^\top\delta$, $\Delta b = \sum\delta$,
#   $\partial L/\partial x = \delta W^\top$; by hand, `model.backward` and `GradientTape` agree,
#   and finite differences confirm it to $10^{-7}$.
# * Claim check: backpropagation computes gradients and changes nothing; gradient descent uses
#   gradients from any source. [3]'s "gradients by gradient descent" confuses the two.
# * SGD, Momentum, AdaGrad, RMSprop and Adam: the NumPy reference matches Keras step for step;
#   batch size and epochs set how many updates training makes.
# * L2 shrinks weights, L1 zeroes many of them; dropout zeroes activations at random during
#   training only.
# * Convolution slides a small filter (few weights), pooling keeps each window's maximum, flatten
#   and a fully connected layer turn the maps into class scores.
#
# The chapter's terms, from the course glossary:

# %%
display(Markdown(glossary.table(3)))
