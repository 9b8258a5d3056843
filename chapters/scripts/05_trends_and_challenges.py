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
# # 5 Future trends and challenges (未来发展趋势与挑战)
#
# Every source document ends with a section "未来发展趋势与挑战". They name the same
# **challenges** (挑战): deep learning needs a lot of data (数据需求), a lot of compute and
# energy (计算资源, 能源消耗), its models are black boxes (模型解释性), and they are hard to
# scale (模型可扩展性) [0][1][2][3][4]. And they propose **answers**: data augmentation,
# model compression, knowledge distillation, bigger models, automated learning, multimodal
# learning, better hardware [0][1][2][4]. The documents state these in one sentence each; this
# chapter **measures** each one on small models and the offline digits:
#
# | section | challenge → answer | measured here |
# |---|---|---|
# | 5.1 | data needs → data augmentation (数据增强) | accuracy with and without, on 100 images |
# | 5.2 | compute and energy → pruning and quantisation (模型压缩) | accuracy against bytes |
# | 5.3 | black boxes → saliency, hidden activations (模型解释性) | what the pixels and units do |
# | 5.4 | knowledge distillation (知识蒸馏), and a claim check | small student against big teacher |
# | 5.5 | scalability → more layers, more units (模型扩展) | accuracy, parameters, time |
# | 5.6 | automated learning, multimodal learning, hardware (未来发展趋势) | three short experiments |
#
# References [0]…[4] are the five source documents (`seeds/000…004`). All models are
# `dlcourse.nn` MLPs (NumPy), trained in well under a second each; TensorFlow appears where a
# formula is checked against its NumPy reference.

# %% [markdown]
# ## Setup (设置)
#
# The parameter cell holds the data set and the sizes. The defaults run offline in well under a
# minute. `DATASET = "mnist"` runs the chapter on MNIST's 28×28 digits (the first `MNIST_LIMIT`
# training images) when its files are present or downloadable (see chapter 4); more `SEEDS`
# make the small-data experiments more precise, at the cost of time.
#
# One practical note: every model here is small, so its matrix products are too small to gain
# from several BLAS threads; and when other programs share the CPU, several threads per process
# mostly wait for each other (on a busy 2-core machine this chapter took minutes instead of
# seconds). The setup cell therefore limits NumPy's BLAS library to one thread, with
# `threadpoolctl` (installed with scikit-learn).

# %%
DATASET = "digits"  # "digits" (8×8 images, ships with scikit-learn) or "mnist" (28×28)
MNIST_LIMIT = 10_000  # images used when DATASET = "mnist"
SEEDS = (0, 1, 2)  # repeated runs of the small-data experiments (5.1)
DISTILL_SEEDS = (0, 1, 2, 3, 4)  # repeated runs of the distillation experiment (5.4)
PER_CLASS = 10  # training images per class in the data-poor experiment (5.1)
EPOCHS = 30  # epochs of the big model (5.2-5.4) and of the scaling experiment (5.5)
SEED = 0

# %%
# ruff: noqa: E501 - the nbgrader cell markers below are longer than 100 characters
import matplotlib.pyplot as plt
import numpy as np
from threadpoolctl import threadpool_limits

from dlcourse import compression as C
from dlcourse.experiments import augment as A
from dlcourse.experiments import ch5_trends as E
from dlcourse.tfnn import keras, tf, to_keras

threadpool_limits(limits=1, user_api="blas")  # one BLAS thread (see the note above)
keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()

data = E.load_dataset(DATASET, seed=SEED, limit=MNIST_LIMIT)
print("train", data.x_train.shape, "validation", data.x_val.shape, "test", data.x_test.shape)

# %% [markdown]
# ## 5.1 Data needs and data augmentation (数据需求与数据增强)
#
# "Deep learning needs large amounts of data for training" [1][2][4]; "one can develop better
# data augmentation methods to solve the problem of insufficient data" [0]; "by augmenting the
# data, e.g. by rotation, flipping, cropping (旋转、翻转、裁剪), the model's ability to
# generalise improves" [2]. **Data augmentation** (数据增强) makes new training examples from
# old ones by transformations that keep the label true. A model that sees a "3" turned by 10°
# learns that turning does not change a 3.
#
# ### Four transforms (旋转、翻转、裁剪、噪声)
#
# `dlcourse.experiments.augment` transforms a whole batch `(N, H, W, 1)` at once (fancy
# indexing, no loop over pixels), one random parameter per image, seeded:
#
# * **rotation** (旋转) by $\theta$ about the centre $c$: output pixel $p$ reads the input at
#   $c + R(-\theta)(p - c)$, with bilinear interpolation between the four nearest pixels;
# * **crop** (裁剪): pad by one pixel of background, cut a random $H \times W$ window; that is
#   a random shift of up to one pixel each way;
# * **flip** (翻转): mirror left–right or top–bottom;
# * **noise** (噪声): add $\varepsilon \sim \mathcal N(0, \sigma^2)$ to each pixel, clip to
#   $[0, 1]$.

# %%
A.plot_augmentations(data.x_train, seed=SEED)
plt.show()

# %% [markdown]
# A transform is checked on cases we know: rotating by 0° changes nothing, by 90° it equals
# NumPy's `rot90`, four quarter turns give the image back, and a shift moves every pixel.

# %%
x6 = data.x_train[:6]
print("rotate 0° == identity:     ", np.allclose(A.rotate(x6, 0.0), x6, rtol=0, atol=0))
print("rotate 90° == np.rot90:    ", np.allclose(A.rotate(x6, 90.0), np.rot90(x6, 1, axes=(1, 2))))
four_turns = A.rotate(A.rotate(A.rotate(A.rotate(x6, 90), 90), 90), 90)
print("4 × 90° == identity:       ", np.allclose(four_turns, x6))
print("shift by (1, 0) moves rows:", np.array_equal(A.shift(x6, 1, 0)[:, 1:], x6[:, :-1]))

# %% [markdown]
# ### The measured effect (数据增强的效果)
#
# The experiment: a **data-poor** training set, `PER_CLASS` = 10 images per digit (100 in
# all), an MLP 64 → 64 → 10, 80 epochs, each epoch on fresh random variants of the 100
# images. Each setting runs once per seed in `SEEDS` (a different subset and initialisation
# each time); the table gives the mean test accuracy, on three versions of the 539 test
# images:
#
# * `clean`: the test images as they are (centred digits, like the training images);
# * `rotated`: the test images turned by up to ±20° (a tilted scanner);
# * `shifted`: the test images moved by up to one pixel (a badly centred scanner).

# %%
settings = {
    "none": {},
    "rotation ±15°": {"rotation": 15},
    "crop (shift ±1)": {"padding": 1},
    "noise σ=0.1": {"noise": 0.1},
    "horizontal flip": {"flip": "horizontal"},
}
aug_rows = E.augmentation_experiment(data, settings, per_class=PER_CLASS, seeds=SEEDS, epochs=80)
print(E.format_table(aug_rows, "augmentation clean clean_std rotated shifted"))

# %% [markdown]
# What the table says (the numbers above are means over three runs; the spread `clean_std`
# shows how far apart the runs are, so differences of about one point on `clean` are noise):
#
# * **Augmentation buys the invariance you put in.** Training with rotations raises accuracy
#   on the rotated test images clearly, and training with shifts raises accuracy on the shifted
#   test images a lot (an MLP that has never seen a shifted 8×8 digit is lost when every pixel
#   moves by an eighth of the image).
# * **On the clean test set the gains are small**, one to two points for rotation and noise,
#   about the spread between runs: these test digits were centred and upright, like the
#   training digits, so there was little to learn. Shifting even *costs* accuracy on clean images: one pixel is a large move at 8×8,
#   and it teaches a variation the clean test set never shows.
# * **Flips hurt everywhere** (next section).
#
# So "augmentation improves generalisation" [2] holds for the variations that the test data
# actually contain. Choose transforms from what the deployed data will look like.
#
# ### Flips change the label (翻转与标签)
#
# A transform is allowed only if the label survives it. Train on all training images (no
# augmentation) and test on the mirrored test images, class by class:

# %%
plain = E.mlp((64,), data.input_dim, seed=SEED)
plain.fit(data.flat("train"), data.y_train, epochs=EPOCHS, verbose=0)
print(E.format_table(E.mirror_accuracy(plain, data.x_test, data.y_test), digits=2))

# %% [markdown]
# Digits that are nearly mirror-symmetric (0, 8, and 4 as written in this data set) keep most
# of their accuracy, 1 and 9 about half; a mirrored 3, 5, 6 or 7 is not recognised at all
# (the mirror of a 3 looks like an ε, of a 7 like a Γ). Training with random flips tells the model that a mirrored 3 is
# still a 3, which is false, and it costs accuracy (table above). Flips are right for
# photographs of cats and cars, wrong for handwriting.

# %% [markdown]
# ## 5.2 Compute and energy: model compression (计算成本与模型压缩)
#
# "Deep learning models usually need large compute resources to train, which may lead to
# problems of computational cost and energy consumption" [2]; "the computational cost of
# deep learning is high, which may affect its practical application" [4]. The answer of [2]:
# "**model compression** (模型压缩), e.g. weight pruning (权重裁剪) and quantisation (量化),
# reduces the compute the model needs".
#
# The subject of this section is a "big" MLP 64 → 256 → 256 → 10, trained once here and used
# again in 5.3 and 5.4.

# %%
big = E.mlp((256, 256), data.input_dim, seed=SEED)
big.fit(data.flat("train"), data.y_train, epochs=EPOCHS, verbose=0)
_, big_acc = big.evaluate(data.flat("test"), data.y_test, verbose=0)
print(f"parameters {big.count_params():,}, multiply-adds per image {E.count_macs(big):,}")
print(f"float32 storage {C.model_size_bytes(big):,} bytes, test accuracy {big_acc:.3f}")

# %% [markdown]
# ### Pruning (剪枝)
#
# **Magnitude pruning** removes the weights that matter least, judged by their size: with
# sparsity $s$, the fraction $s$ of weights with the smallest $|w|$ is set to zero,
#
# $$ \tilde w_i = w_i \cdot \mathbb 1\big[\,|w_i| > \tau_s\,\big], \qquad \tau_s = \text{the }
# s\text{-quantile of } |w| . $$
#
# A zero weight need not be stored (a sparse format keeps only the non-zeros and their
# positions) nor multiplied. After pruning, a few epochs of **fine-tuning** with the zeros held
# at zero let the remaining weights make up for the removed ones.
#
# #### Exercise 5.1: magnitude pruning (练习：剪枝)
#
# Write `prune(W, sparsity)`: return a copy of `W` in which the `k = int(sparsity * W.size)`
# entries of smallest magnitude are zero, the others unchanged. `W` itself must not change.


# %% nbgrader={"grade": false, "grade_id": "ch5_prune", "locked": false, "schema_version": 3, "solution": true}
def prune(W, sparsity):
    """A copy of W with its int(sparsity * W.size) smallest-|w| entries set to zero."""
    ### BEGIN SOLUTION
    k = int(sparsity * W.size)
    pruned = W.copy()
    pruned.flat[np.argsort(np.abs(W), axis=None)[:k]] = 0.0
    return pruned
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch5_prune_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
from dlcourse.exercises import ch5

ch5.check_prune(prune)

# %% [markdown]
# `dlcourse.compression.prune_model` does this to a whole model (all kernels ranked together,
# "global" pruning, so layers with many small weights lose more), and `KeepPruned` is a
# callback that re-applies the zeros after every training step. The curve: each sparsity starts
# from a copy of the big model, is pruned, tested, fine-tuned for 5 epochs, tested again.

# %%
curve = E.pruning_curve(big, data, sparsities=(0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98))
print(E.format_table(curve, "sparsity:.0% pruned finetuned nonzero sparse_bytes"))

# %% [markdown]
# Half of the weights can go with no loss at all; with fine-tuning, about 90 % can go for a
# fraction of a point; beyond 95 % accuracy falls. The big model was much larger than the task
# needs (5.5 shows the same from the other side). Note the storage column: at 0 % sparsity the
# sparse format is *twice* the dense one (each value carries a 4-byte index), so pruning pays
# only beyond half sparsity, and it saves time only with kernels and hardware that skip zeros.
#
# ### Quantisation (量化)
#
# **Quantisation** stores each weight in fewer bits. Symmetric int8 quantisation maps a tensor
# $W$ to integers in $[-127, 127]$ with one scale $s$:
#
# $$ s = \frac{\max_i |w_i|}{127}, \qquad q_i = \operatorname{round}\!\Big(\frac{w_i}{s}\Big)
# \in \{-127, \dots, 127\}, \qquad \hat w_i = s\, q_i, \qquad |w_i - \hat w_i| \le \frac{s}{2}. $$
#
# One byte per weight instead of four, plus one float for $s$.
#
# #### Exercise 5.2: int8 quantisation (练习：量化)
#
# Write `quantize_int8(W)` returning `(q, scale)`: `scale` as above (careful: the largest
# *magnitude*, which may be a negative weight), `q` the rounded `W / scale` as `np.int8`.


# %% nbgrader={"grade": false, "grade_id": "ch5_quantize_int8", "locked": false, "schema_version": 3, "solution": true}
def quantize_int8(W):
    """Symmetric int8 quantisation: returns (q int8 shaped like W, scale = max|W| / 127)."""
    ### BEGIN SOLUTION
    scale = np.abs(W).max() / 127
    q = np.round(W / scale).astype(np.int8)
    return q, float(scale)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch5_quantize_int8_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch5.check_quantize_int8(quantize_int8)

# %% [markdown]
# The formula three ways on the big model's first kernel: the maths above, the NumPy reference
# `dlcourse.compression.quantize_int8`, and its TensorFlow twin (`tf.round`, `tf.clip_by_value`,
# `tf.cast`); then the error bound $|w - \hat w| \le s/2$.

# %%
W = big.layers[0].params["kernel"]
qt = C.quantize_int8(W)  # NumPy reference
q_tf, scale_tf = E.quantize_int8_tf(W)  # TensorFlow twin
print("kernel", W.shape, W.dtype, "->", qt.q.dtype, f"scale s = {float(qt.scale):.3g}")
print("same integers q:", np.array_equal(qt.q, q_tf), "| same scale:", qt.scale == scale_tf)
err = np.abs(W - C.dequantize(qt)).max()
print(f"max |w - ŵ| = {err / qt.scale:.3f} s  (bound: 0.5 s):", bool(err <= qt.scale / 2 + 1e-9))

# %% [markdown]
# Now the whole model: int8 kernels (biases stay float32, as in common int8 schemes), 90 %
# pruning with fine-tuning, and both together, each with its test accuracy and storage.

# %%
table = E.compression_table(big, data, sparsity=0.9)
print(E.format_table(table, "variant accuracy bytes ratio:.1f"))

# %%
E.plot_compression(curve, table)
plt.show()

# %% [markdown]
# int8 quantisation costs nothing measurable here and divides storage by four; pruning plus
# int8 divides it by almost eight at a fraction of a point of accuracy.
#
# **Why bytes are energy** (能耗). Moving data costs far more energy than computing with it.
# Horowitz's estimates for a 45 nm chip (ISSCC 2014, the figures behind Han et al.'s "Deep
# Compression", 2016): a 32-bit float multiply-add about 4.6 pJ, an 8-bit integer one about
# 0.23 pJ, and reading 32 bits from DRAM about 640 pJ. For one prediction of the big model,
# with its weights read from DRAM:

# %%
macs, n_weights = E.count_macs(big), big.count_params()
for name, pj_mac, bytes_per_weight in (("float32", 4.6, 4), ("int8", 0.23, 1)):
    compute_uj = macs * pj_mac / 1e6  # microjoules
    memory_uj = n_weights * bytes_per_weight / 4 * 640 / 1e6  # 640 pJ per 32 bits read
    print(f"{name:8s} arithmetic {compute_uj:6.3f} µJ   weight reads {memory_uj:5.1f} µJ")

# %% [markdown]
# The memory traffic is a hundred times the arithmetic, so four times fewer bytes is nearly
# four times less energy, and a model small enough to stay in on-chip memory (5 to 20 pJ per
# 32-bit read, by its size) saves even more. This is the real reason for compression on phones and in data
# centres. (Estimates for one chip generation, not a measurement on this machine.)

# %% [markdown]
# ## 5.3 Interpretability: looking inside (模型解释性)
#
# "Deep learning models are usually black boxes, their decision process cannot be explained"
# [2]; "how to explain a model's predictions is an important challenge" [1]; [0] asks for
# "models that are easier to understand", and [1] names **interpretable deep learning**
# (解释性深度学习) as a trend. Two simple ways to look inside a trained network.
#
# ### Saliency maps (显著性图)
#
# Which pixels does the decision depend on? The gradient of the predicted class's
# log-probability with respect to the input (Simonyan et al., 2014):
#
# $$ S = \frac{\partial \log p_c(x)}{\partial x} \in \mathbb R^{H \times W}, \qquad
# c = \arg\max_k p_k(x). $$
#
# $|S_{ij}|$ is large where a small change of pixel $(i, j)$ changes the decision most.
# Backpropagation computes it as it computes weight gradients: `model.forward(x)`, then
# `model.backward(dout)` with $\mathrm{dout} = \partial \log p_c / \partial p = e_c / p_c$
# returns $\partial \log p_c / \partial x$. Its TensorFlow twin differentiates the same function
# with `tf.GradientTape`, through a Keras copy of the model (`to_keras`). In float64 both must
# agree to rounding error, for all 539 test images:

# %%
big64 = E.mlp((256, 256), data.input_dim, dtype="float64")
big64.set_weights(big.get_weights())  # the same weights, in float64
keras64 = to_keras(big64)  # and a Keras copy of it
labels = big64.predict(data.flat("test"), verbose=0).argmax(axis=1)
s_numpy = E.saliency(big64, data.x_test)  # model.forward + model.backward
s_tf = E.saliency_tf(keras64, data.flat("test"), labels).reshape(s_numpy.shape)  # GradientTape
rel = np.abs(s_numpy - s_tf).max() / np.abs(s_numpy).max()
print("saliency maps", s_numpy.shape, "| NumPy and TensorFlow agree to 1e-10:", rel < 1e-10)

# %%
pick = [int(np.flatnonzero(data.y_test == d)[0]) for d in (0, 2, 3, 4, 7, 9)]
title = "Saliency of the predicted class (brighter = more influence)"
E.plot_saliency(data.x_test[pick], s_numpy[pick], data.y_test[pick], title=title)
plt.show()

# %% [markdown]
# The bright pixels are not simply the ink: they include empty places where ink would change
# the answer (the hole of the 0, where ink would make an 8) and the strokes that tell a digit
# from its look-alikes. The maps are also noisy, and a saliency map is a hint, not a proof. Does it point at pixels that matter? Test it: in every test image erase (set to 0)
# the 8 inked pixels with the largest $|S|$, or 8 inked pixels chosen at random, and compare.

# %%
deletion = E.deletion_test(big, data.x_test, data.y_test, k=8, seed=SEED)
for key, acc in deletion.items():
    print(f"{key:15s} test accuracy {acc:.3f}")

# %% [markdown]
# Erasing the salient pixels hurts much more than erasing random ones: the gradient does
# find pixels the model relies on. (It measures *local* sensitivity; it can miss features that
# matter only together, which is why many other attribution methods exist.)
#
# ### Hidden activations (隐藏层激活)
#
# The second view: what the hidden units respond to. Left, the mean activation of the first
# hidden layer's units for each digit (the 12 units whose response varies most between
# digits); right, those units' 64 input weights drawn as 8×8 images.

# %%
E.plot_hidden(big, data.x_test, data.y_test, units=12)
plt.show()

# %% [markdown]
# Some units respond strongly to a few digits and stay almost silent for others (red weights:
# ink there excites the unit, blue: ink there inhibits it). But no unit is "the 3 detector":
# each digit excites many units, each unit several digits, and the weight images are a
# patchwork rather than clean strokes. The representation is *distributed* over the 256
# units. That is the interpretability problem the documents describe: every number is
# visible, but the meaning is spread over thousands of them.

# %% [markdown]
# ## 5.4 Knowledge distillation (知识蒸馏)
#
# **Knowledge distillation** (Hinton, Vinyals and Dean, 2015) trains a small **student**
# network to imitate a large **teacher**. The teacher's output carries more than its top
# class: "this 3 looks a little like an 8, not at all like a 1". That information is in the
# small probabilities, which a **temperature** $T$ makes visible:
#
# $$ p_i^{(T)} = \operatorname{softmax}(z / T)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}} . $$
#
# $T = 1$ is the usual softmax; a larger $T$ gives softer targets.
#
# ### Soft targets and temperature (软目标与温度)
#
# #### Exercise 5.3: soft targets (练习：软目标)
#
# Write `soft_targets(logits, temperature)`: the softmax of `logits / temperature` over the
# last axis, numerically stable (logits of ±1e4 must not overflow).


# %% nbgrader={"grade": false, "grade_id": "ch5_soft_targets", "locked": false, "schema_version": 3, "solution": true}
def soft_targets(logits, temperature):
    """softmax(logits / T) over the last axis, stable for large logits."""
    ### BEGIN SOLUTION
    z = logits / temperature
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch5_soft_targets_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch5.check_soft_targets(soft_targets)

# %% [markdown]
# The teacher (our big model) on one test image of a 3, at three temperatures. Its logits are
# the pre-activations of its last layer.

# %%
from dlcourse.nn.activations import softmax

x3 = data.flat("test")[data.y_test == 3][:1]
h = x3
for layer in big.layers[:-1]:
    h = layer.forward(h)
z = big.layers[-1].forward_preactivation(h)  # the teacher's logits (1, 10)
for T in (1, 4, 8):
    print(f"T = {T}:", " ".join(f"{p:.2f}" for p in softmax(z / T)[0]))

# %% [markdown]
# At $T = 1$ the target is almost one-hot; at $T = 4$ and $8$ the other digits get visible
# probabilities, and their ranking (which digits this 3 resembles) is what the student can
# learn from.
#
# ### The distillation loss (蒸馏损失)
#
# The student with logits $z_s$ minimises a mix of the usual cross-entropy with the true label
# $y$ and the cross-entropy with the teacher's soft targets (logits $z_t$), both softened by
# the same $T$:
#
# $$ L = \alpha \,\mathrm{CE}\big(y, \operatorname{softmax}(z_s)\big) + (1 - \alpha)\, T^2\,
# \mathrm{CE}\big(\operatorname{softmax}(z_t / T), \operatorname{softmax}(z_s / T)\big), $$
#
# $$ \frac{\partial L}{\partial z_s} = \alpha\big(\operatorname{softmax}(z_s) - y\big)
# + (1 - \alpha)\, T\, \big(\operatorname{softmax}(z_s / T) - \operatorname{softmax}(z_t / T)
# \big). $$
#
# The factor $T^2$ keeps the soft term's gradient at the same scale whatever $T$. The formula
# three ways: NumPy's `compression.distillation_loss` (loss and the gradient above, written
# out) and a TensorFlow version (`tf.nn.log_softmax`, gradient by `GradientTape`), in float64:

# %%
rng = np.random.default_rng(SEED)
z_s, z_t = rng.normal(0, 3, size=(8, 10)), rng.normal(0, 3, size=(8, 10))
y8 = rng.integers(0, 10, size=8)
loss_np, grad_np = C.distillation_loss(z_s, z_t, y8, temperature=4.0, alpha=0.1)
loss_tf, grad_tf = E.distillation_loss_tf(z_s, z_t, y8, temperature=4.0, alpha=0.1)
print(f"loss: NumPy {loss_np:.6f}, TensorFlow {loss_tf:.6f}")
same = np.isclose(loss_np, loss_tf, rtol=1e-12) and np.allclose(grad_np, grad_tf, rtol=1e-12)
print("loss and gradient agree to 1e-12:", same)

# %% [markdown]
# ### Distilled student against hard-label student (蒸馏的效果)
#
# The same small student, 64 → 16 → 10 (1,210 parameters, 1.4 % of the teacher's 85,002),
# trained two ways from the same initial weights: on the hard labels, or by
# `compression.distill` ($T = 4$, $\alpha = 0.1$). Once with the whole training set, once with
# only 200 training images for the student (the teacher keeps what it learned from all of
# them: the usual situation where a big model exists and a small one must be made from
# limited data). Five seeds each; the table gives mean and spread.

# %%
sizes = (None, 200)  # None: the whole training split
distill_rows = E.distillation_experiment(big, data, (16,), train_sizes=sizes, seeds=DISTILL_SEEDS)
print(E.format_table(distill_rows))

# %% [markdown]
# The distilled student is better on average in both cases, by under a point with all the
# data (about the size of the spread between seeds) and by more with 200 examples, where the
# teacher's soft targets carry information that 200 hard labels do not. (In Hinton et al.'s
# MNIST experiment a distilled student made 74 errors on 10,000 test images instead of 146;
# our students are much smaller and our test set is 539 images.) The main effect is
# elsewhere: a model with 1.4 % of the parameters keeps most of the teacher's accuracy (claim
# check below).
#
# ### Claim check: distillation and interpretability (断言检验：知识蒸馏与可解释性)
#
# > **Claim** [2], section 5: "知识蒸馏：通过将深度学习模型与浅层模型结合，可以提高模型的解释性和可解释性。"
# > (*Knowledge distillation: by combining a deep learning model with a shallow model, the
# > model's interpretability and explainability can be improved.*) Its FAQ repeats it:
# > "可以使用知识蒸馏等技术来提高深度学习模型的解释性和可解释性。"
#
# The papers that introduced the idea say what it is for: Buciluǎ, Caruana and
# Niculescu-Mizil called it **model compression** (2006), and Hinton et al. (2015) begin by
# recalling that "it is possible to compress the knowledge in an ensemble into a single model
# which is much easier to deploy", then develop it further. The
# experiment: the teacher, the distilled MLP student, and a *shallow* student (a linear
# softmax model, no hidden layer, whose ten weight images can be read directly) trained on
# hard labels and by distillation. For each, size, test accuracy, and *agreement*: the
# fraction of test images on which it predicts the teacher's class.

# %%
claim_rows = E.distillation_claim_check(big, data, student_hidden=(16,), seed=SEED)
print(E.format_table(claim_rows))

# %% [markdown]
# What the experiment shows:
#
# * **Compression is what distillation delivers.** The distilled MLP student has 1.4 % of the
#   teacher's parameters and storage, keeps most of its accuracy, and makes the teacher's
#   choice on about 97 % of the test images.
# * **It does not make the deep model more interpretable.** The teacher is unchanged, and
#   the student is again a network of hidden ReLU units (smaller, still a black box; 5.3's
#   tools apply to it exactly as to the teacher).
# * **Interpretability comes from choosing an interpretable student, not from distillation**:
#   the linear model is equally readable whether trained on labels or distilled, distillation
#   did not make it better here, and it is less accurate than the MLP student. Research on
#   distilling into interpretable models exists (e.g. Frosst and Hinton's soft decision trees,
#   2017), but that is a special use, with a loss of accuracy, not what distillation is.
#
# Conclusion: the claim is too loose. Knowledge distillation is a **compression** technique:
# it transfers a large model's behaviour into a small one. Better interpretability is at most
# a side effect of choosing a simple student, and it is not what the method improves.

# %% [markdown]
# ## 5.5 Scaling a model up (模型扩展)
#
# [2] names "model scalability" (模型可扩展性) as a challenge and proposes "**model
# extension** (模型扩展): increasing the number of layers and neurons (增加层数、增加神经元)
# can improve the model's performance". What does it buy? Six MLPs, wider and deeper, trained
# for `EPOCHS` epochs on the full training set, two seeds each. The name `2×64` means two
# hidden layers of 64 units. Multiply-adds per image (MACs) measure the compute of a
# prediction.

# %%
configs = {"1×16": (16,), "1×64": (64,), "1×256": (256,)}  # wider
configs |= {"2×64": (64, 64), "3×64": (64, 64, 64), "2×256": (256, 256)}  # deeper
scaling = E.scaling_experiment(data, configs, epochs=EPOCHS, seeds=(0, 1))
print(E.format_table(scaling, "model params macs train_acc test_acc"))

# %% [markdown]
# Training time per epoch on this machine (it varies from run to run, so nbval ignores it):

# %%
# NBVAL_IGNORE_OUTPUT
for row in scaling:
    print(f"{row['model']:6s} {1000 * row['sec_per_epoch']:7.1f} ms per epoch")

# %%
E.plot_scaling(scaling)
plt.show()

# %% [markdown]
# Bigger is better here, with **diminishing returns**: 16 → 64 units (4× the parameters) buys
# between two and three points of test accuracy, 64 → 256 (4× again) about one, and the
# 85,002-parameter `2×256` less than one more; depth at fixed width (`1×64` → `3×64`) buys
# little. Meanwhile parameters, compute and time grow in proportion, and the training accuracy
# is already at or near 1: on 988 images of 8×8 pixels the bigger models mostly memorise. Scaling pays when data and task are large enough to use the extra
# capacity (the large language and vision models of recent years are scaled *together* with
# their data), and it is exactly what makes the compute and energy challenge of 5.2 harder.

# %% [markdown]
# ## 5.6 Trends (未来发展趋势)
#
# ### Automated learning (自动化学习)
#
# [1] expects deep learning to focus more on **automated learning** (自动化学习) "for higher
# accuracy and efficiency". Its everyday form is **automated machine learning** (AutoML):
# let a program choose the settings a person would tune by hand, from hyperparameters up to
# whole architectures (neural architecture search). The simplest useful method is **random
# search** (Bergstra and Bengio, 2012): draw settings at random, score each on the
# *validation* set, keep the best, and only then look at the test set once. Eight trials over
# the learning rate ($10^{-4}$ to $10^{-1}$, log-uniform) and the width of one hidden layer:

# %%
trials = E.random_search(data, trials=8, seed=SEED, epochs=20)
print(E.format_table(trials, "trial learning_rate:.2e width val_acc test_acc"))

# %% [markdown]
# The learning rate matters far more than the width here: the worst trials are those with a
# tiny learning rate, which have barely started learning after 20 epochs. The best setting's
# test accuracy is measured once, after the choice, so it is an honest estimate. Real AutoML
# systems search larger spaces with smarter strategies (Bayesian optimisation, early stopping
# of bad trials), but the principle is this loop.
#
# ### Multimodal learning (多模态学习)
#
# [1] also expects more **multimodal learning** (多模态学习): models that combine kinds of
# data (images with text, video with sound, a medical scan with the patient's record) "for
# better cross-modal data processing and prediction". A small stand-in on our digits: two
# "sensors" that see each digit differently, a 4×4 thumbnail (a low-resolution camera) and the
# amount of ink in every row and column (a different kind of sensor). Each alone, then
# combined: **early fusion** concatenates the two inputs into one network, **late fusion**
# averages the two networks' predicted probabilities.

# %%
print(E.format_table(E.multimodal_experiment(data, seed=SEED)))

# %% [markdown]
# Each modality alone misses information that the other has; fusion beats both. Real
# multimodal models face harder questions (aligning text with image regions, a missing
# modality at test time) and use per-modality encoders (a CNN for images, a transformer for
# text) whose features are fused, but the gain has the same source: complementary information.
#
# ### Hardware (更强大的计算能力)
#
# [4]: "with hardware progress, such as quantum computing and GPU technology, the computing
# power of deep learning will increase greatly"; [0] asks for "more efficient compute
# resources". GPUs (and TPUs and other accelerators) are what made deep learning practical:
# thousands of arithmetic units, fast memory, and units for small number formats (float16,
# bfloat16, int8) that give the speed side of 5.2's quantisation. Quantum computing, on the
# other hand, does not train neural networks today; it remains a research topic. Where this
# notebook runs (it changes from machine to machine, so nbval ignores it):

# %%
# NBVAL_IGNORE_OUTPUT
print("TensorFlow sees:", [d.device_type for d in tf.config.list_physical_devices()])
speed = E.matmul_throughput(n=256, repeats=3)
for dtype, gflops in speed.items():
    print(f"NumPy {dtype:7s} matrix product: {gflops:8.2f} GFLOP/s")

# %% [markdown]
# On a CPU (one core here, see the setup), float32 is about twice as fast as float64 (twice
# as many numbers per SIMD instruction, half the memory traffic), but NumPy's int8 product is
# roughly a hundred times *slower* than both: NumPy has no optimised int8 kernel, so the four
# times fewer bytes buy nothing. (On a busy machine the numbers above are noisy.) Low-precision speed needs
# hardware and libraries built for it (int8 instructions in recent CPUs, tensor cores in
# GPUs). Hardware and compression progress together. Chapter 4 shows how to run the same
# Keras models on a GPU (`dlcourse.device`).

# %% [markdown]
# ## 5.7 Summary (总结)
#
# | challenge (挑战) | answer | what we measured |
# |---|---|---|
# | data needs (数据需求) | augmentation (数据增强) | helps for the variations the test data contain; flips break digit labels |
# | compute, energy (计算成本) | pruning, int8 (模型压缩) | 90 % pruned + int8: about 8× smaller, under a point of accuracy lost |
# | black boxes (模型解释性) | saliency, hidden activations | salient pixels matter (deletion test); features are distributed |
# | compression (知识蒸馏) | a distilled student | 1.4 % of the size, most of the accuracy, a small gain over hard labels |
# | scalability (模型扩展) | more layers and units | diminishing returns on small data, growing cost |
# | trends (未来发展趋势) | AutoML, multimodal, hardware | random search finds good settings; fusion beats one modality |
#
# Claim check: [2]'s "distillation improves interpretability" does not hold; distillation
# compresses. Exercises: 5.1 `prune`, 5.2 `quantize_int8`, 5.3 `soft_targets`. Chapter 6
# answers the documents' frequently asked questions, each with an experiment.
