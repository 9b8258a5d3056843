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
# # 6 FAQ (附录常见问题与解答)
#
# Every one of the five source documents ends with an appendix of frequently asked questions,
# "附录常见问题与解答". Their answers are one or two sentences long, and some of them are
# wrong. This chapter takes each question, gives a short answer, and then runs an experiment
# that shows the answer on real data (the digits and breast-cancer sets that ship with
# scikit-learn), so that you can see it, change a parameter and see it again.
#
# | section | question | documents |
# |---|---|---|
# | 6.1 | What is deep learning, and how does it differ from machine learning and neural networks? | [1][2][3][4] |
# | 6.2 | Why does deep learning need so much data? | [2][3] |
# | 6.3 | Why does my model perform poorly? | [0] |
# | 6.4 | Why is training slow? | [0] |
# | 6.5 | Why does training use so much memory? (claim check) | [0] |
# | 6.6 | How do I prevent overfitting? | [2][3] |
# | 6.7 | How do I handle missing data? | [3] |
# | 6.8 | How do I handle imbalanced data? | [3] |
# | 6.9 | How do I choose a loss and an optimizer? | [2] |
# | 6.10 | How do I choose activation functions? (claim check) | [2] |
# | 6.11 | How do I handle vanishing and exploding gradients? (claim check) | [2] |
# | 6.12 | What are a CNN and a fully connected layer? | [1] |
#
# References [0]…[4] are the five source documents (`seeds/000…004`). The experiments are
# small so that the whole chapter runs in about a minute on a laptop CPU; their code lives in
# `dlcourse.experiments.ch6_faq`, `ch6_data` and `ch6_gradients`.

# %% [markdown]
# ## Setup (设置)
#
# The parameter cell holds the data set and the sizes. `DATASET = "mnist"` repeats the digit
# experiments on MNIST's 28×28 test images (10,000 of them) when the files are present or
# downloadable (see chapter 4); expect minutes instead of seconds.

# %%
DATASET = "digits"  # "digits" (8×8 images, ships with scikit-learn) or "mnist" (28×28)
EPOCHS = 30  # epochs of the small networks of 6.1 and 6.3
N_SMALL = 60  # training rows of the overfitting experiment (6.6)
MISSING = 0.1  # fraction of breast-cancer values knocked out (6.7)
DEPTH = 10  # hidden layers of the deep networks (6.11)
SEED = 0

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn import metrics

from dlcourse import data, nn, widgets
from dlcourse.experiments import ch6_data, ch6_faq, ch6_gradients
from dlcourse.tfnn import keras, tf, to_keras

keras.utils.set_random_seed(SEED)
tf.config.experimental.enable_op_determinism()

# %% [markdown]
# The digits are split once into training, validation and test sets (70 / 15 / 15 %, each
# class in the same proportion); pixels are scaled to [0, 1].

# %%
if DATASET == "digits":
    x, y = data.load_digits(flat=True)
else:
    x, y = data.load_mnist("test")
    x = x.reshape(len(x), -1).astype("float32") / 255
(x_train, y_train), (x_val, y_val), (x_test, y_test) = data.train_val_test_split(x, y, seed=SEED)
print(f"training {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")

# %% [markdown]
# ## 6.1 What is deep learning? (什么是深度学习？)
#
# **Answer.** Deep learning is the part of machine learning (机器学习) that learns with
# neural networks of **several hidden layers** [2][3][4]. A neural network (神经网络) is any
# model built from layers of neurons, shallow or deep; deep learning is the deep case, whose
# hidden layers learn the features of the data themselves ("自动学习数据的特征") instead of
# being handed features a person designed [1][4]. Machine learning is the larger field: it
# also includes shallow learners such as naive Bayes, decision trees and support vector
# machines [3][4]. Document [1] adds that deep learning "imitates the human brain"; chapter 2
# showed how loose that analogy is: a network is a composition of matrix products and simple
# functions, trained by gradient descent.
#
# **Experiment.** Three shallow learners and three networks of growing depth on the same
# digits. A network with no hidden layer is softmax regression, a linear model: a neural
# network, but not a deep one.

# %%
learners = ch6_faq.compare_learners(x_train, y_train, x_test, y_test, epochs=EPOCHS, seed=SEED)
for name, accuracy in learners.items():
    print(f"{name:26s} test accuracy {accuracy:.2f}")

# %% [markdown]
# On 1,257 tiny 8×8 images the networks, deep or not, are as good as each other, and the SVM,
# a shallow learner with a good kernel, is as good as any of them; naive Bayes and a single
# tree are clearly weaker. Depth is not magic: with few, small, already informative inputs a
# linear model on the pixels does nearly as well. Deep learning pays off when the inputs are
# large and raw (photographs, sound, text), where features must be learned, and examples are
# many, which is the next question.

# %% [markdown]
# ## 6.2 Why does deep learning need so much data? (为什么深度学习需要大量的数据？)
#
# **Answer.** A network has many parameters (the MLP below has 4,810; document [0]'s MNIST model
# 25,450; modern models billions), and each must be pinned down by examples. With few examples
# many settings of the weights fit the training set equally well, and most of them generalise
# badly [2][3]. A **learning curve** (学习曲线) measures this: test accuracy against the number of
# training examples.
#
# **Experiment.** The same MLP (64 hidden units) trained on the first $n$ training rows, with
# about the same number of gradient steps for every $n$; Gaussian naive Bayes, a shallow
# learner with two numbers per pixel and class, for comparison.

# %%
sizes = [20, 50, 100, 200, 400, 800, len(x_train)]
curve = ch6_data.learning_curve(x_train, y_train, x_test, y_test, sizes, seed=SEED)
for n, mlp, bayes in zip(curve["size"], curve["mlp"], curve["naive Bayes"], strict=True):
    print(f"n = {n:5d}   MLP {mlp:.2f}   naive Bayes {bayes:.2f}")
ch6_data.plot_learning_curve(curve)
plt.show()


# %% [markdown]
# The network keeps improving as data grows, while naive Bayes stops early: its few parameters
# cannot use more data. With 20 examples (two per digit) the network is poor; it needs hundreds
# to reach its level. More flexible models need more data, and reward it.

# %% [markdown]
# ## 6.3 Poor performance (模型性能不佳)
#
# Document [0]: "the cause may be insufficient data, a model that is too complex, or unsuitable
# training parameters; try adding data, simplifying the model or adjusting the training
# parameters" (可能是因为数据不足、模型过于复杂或训练参数不合适).
#
# **Answer.** First find out *which* problem you have, by comparing the accuracy on the training
# data with the accuracy on validation data:
#
# - low training accuracy: **under-fitting** (欠拟合): the model cannot even fit what it sees.
#   A *bigger* model or better training parameters (learning rate, epochs) help; more data does
#   not.
# - high training accuracy, much lower validation accuracy: **over-fitting** (过拟合): more data,
#   a smaller or regularised model (section 6.6).
#
# [0]'s advice "simplify the model" only cures the second. `ch6_faq.diagnose` applies this rule
# (training accuracy below 0.95: under-fitting; a train − validation gap of 0.05 or more:
# over-fitting).
#
# **Experiment.** One reference MLP (64 hidden units, SGD with learning rate 0.1, all training
# rows) and one change at a time: the model size, the learning rate, the amount of data.

# %%
sweep = ch6_faq.performance_sweep(x_train, y_train, x_val, y_val, epochs=EPOCHS, seed=SEED)
for row in sweep:
    print(
        f"{row['change']:20s} train {row['train accuracy']:.2f}  "
        f"validation {row['val accuracy']:.2f}  → {row['diagnosis']}"
    )

# %% [markdown]
# Each factor of [0] shows up, each with its own signature. A tiny model (2 hidden units)
# under-fits: it cannot separate ten classes well. A learning rate far too small (0.0001) or far
# too large (10) leaves the network at chance level, one because it hardly moves, the other
# because its first steps destroy the weights. Thirty training rows, trained as long as the
# reference, are learnt perfectly and generalise badly: over-fitting. The cures are opposite
# (a bigger model, a better learning rate; or more data), so diagnose before changing anything.

# %% [markdown]
# ## 6.4 Slow training (训练速度慢)
#
# Document [0]: "training may be slow because computing resources are limited or the model is
# too complex; add computing resources or simplify the model".
#
# **Answer.** The work of training is mostly matrix products. For a Dense layer with $d_{in}$
# inputs and $d_{out}$ outputs on $n$ rows, each of the three products (forward $z = xW$,
# backward $\partial L/\partial W = x^\top \delta$ and $\partial L/\partial x = \delta W^\top$)
# costs $2\,n\,d_{in}\,d_{out}$ floating-point operations (FLOPs), so one epoch costs
#
# $$
# \text{FLOPs per epoch} \approx 3 \cdot 2\, n \sum_{l} d_{l-1}\, d_l .
# $$
#
# It grows with the model (the widths $d_l$) and the data ($n$), and **does not depend on the
# batch size**. Time is FLOPs divided by the speed of the hardware, and that speed depends on
# the batch size: one large product uses the processor far better than many small ones.

# %%
for width in (32, 128, 512):
    flops = ch6_faq.mlp_training_flops([x.shape[1], width, 10], n_samples=len(x_train))
    print(f"MLP {x.shape[1]}-{width}-10: {flops / 1e6:8.1f} MFLOPs per epoch")

# %% [markdown]
# Four times the width, four times the work. Now the clock: seconds per epoch for several batch
# sizes and widths, and with one BLAS thread against all of them ("computing resources"). The
# numbers depend on this machine and on what else it is doing, so nbval does not compare them.


# %%
# NBVAL_IGNORE_OUTPUT
def mlp_of_width(width):
    return lambda: ch6_data.small_mlp(x.shape[1], (width,), 10, seed=SEED)


for batch in (8, 32, 128, 512):
    seconds = ch6_faq.epoch_seconds(mlp_of_width(128), x_train, y_train, batch, threads=1)
    print(f"width 128, batch {batch:4d}: {1e3 * seconds:7.1f} ms per epoch")
for width in (32, 512, 2048):
    seconds = ch6_faq.epoch_seconds(mlp_of_width(width), x_train, y_train, 128, threads=1)
    print(f"width {width:4d}, batch  128: {1e3 * seconds:7.1f} ms per epoch")
for threads in (1, None):
    seconds = ch6_faq.epoch_seconds(mlp_of_width(2048), x_train, y_train, 128, threads=threads)
    print(f"width 2048, {threads or 'all'} BLAS thread(s): {1e3 * seconds:7.1f} ms per epoch")

# %% [markdown]
# What to look for (the numbers above are this machine's, on this run): small batches are
# slow per epoch although they do the same FLOPs, because every step has a fixed cost (Python,
# the layers' bookkeeping, many small products); time grows with the width once the products
# are large enough to dominate; and more threads help only large products, on cores that are
# otherwise idle (on a busy shared machine extra BLAS threads may even wait for each other and
# be slower). A GPU is the same argument taken further: thousands of cores, fed by large
# batches (chapter 4 runs the documents' models on one). So: measure, use batches large enough
# to keep the hardware busy, and make the model as large as it needs to be, not larger.

# %% [markdown]
# ## 6.5 Claim check: memory and the batch size (内存消耗大)
#
# > **Claim check.** Document [0]: "large memory use may be because the model is too large or
# > the batch size is too *small*; try reducing the model size or *increasing* the batch size"
# > (内存消耗大：可能是因为模型尺寸过大或批处理大小过小。可以尝试减小模型尺寸或增加批处理大小。)
#
# What does training keep in memory? The weights, their gradients and the optimizer's state
# (Adam keeps two more arrays per weight): four copies of the parameters, independent of the
# batch size. And the **activations**: to compute $\partial L/\partial W = x^\top\delta$,
# backpropagation needs every layer's input $x$, so the forward pass keeps each layer's output
# for every row of the batch. For an MLP of widths $d_0, \dots, d_L$ and a batch of $B$ rows:
#
# $$
# \text{activation bytes} = \text{itemsize} \cdot B \cdot \sum_{l=0}^{L} d_l .
# $$
#
# **Experiment.** Three measurements: the formula (`activation_bytes`); the arrays the
# NumPy layers really hold after a training forward pass, added up (`cached_activation_bytes`);
# and the peak of all memory allocated during one full training step, measured by Python's
# `tracemalloc` (`peak_step_bytes`).

# %%
for width in (64, 512):
    model = ch6_data.small_mlp(x.shape[1], (width, width), 10, seed=SEED)
    params = 4 * model.count_params() * 4  # weights, gradients, Adam's m and v; float32
    print(f"width {width}: parameters, gradients and Adam state {params / 1e6:.2f} MB")
    for batch in (32, 128, 512):
        xb, yb = x_train[:batch], y_train[:batch]
        formula = ch6_faq.activation_bytes(model, batch)
        held = ch6_faq.cached_activation_bytes(model, xb)
        peak = ch6_faq.peak_step_bytes(model, xb, yb)
        print(
            f"  batch {batch:3d}: activations {formula / 1e6:5.2f} MB (held: {held / 1e6:5.2f} MB)"
            f", peak of one step {peak / 1e6:5.1f} MB"
        )

# %% [markdown]
# **Conclusion.** The claim is backwards. The held activations equal the formula to the byte and
# grow in proportion to the batch size; the peak memory of a training step grows linearly too
# (it counts new allocations: the hidden activations, the gradients, the temporaries of the
# backward pass and of the optimizer, but not the input batch, which already exists). The
# weights do not depend on the batch size at all. To use **less** memory, use a **smaller**
# batch (and, if the gradient of a large batch is wanted, add up the gradients of several
# small ones before each update: gradient accumulation), or a smaller model: the first half of
# [0]'s advice is right. A larger batch makes an *epoch* faster (6.4), not smaller.

# %% [markdown]
# ## 6.6 Overfitting (过拟合)
#
# **Answer.** A model over-fits when it learns the training examples, noise included, instead of
# the pattern: training loss keeps falling while validation loss stops falling and rises. The
# documents list the cures [2][3]: more training data, a less complex model, regularisation
# (L1/L2 penalties on the weights, chapter 3), dropout, and early stopping.
#
# **Experiment.** An MLP with 128 hidden units trained on only 60 digits, then each cure alone.
# The live plot shows the uncured run while it trains: training loss near zero, validation loss
# creeping up again after about twenty epochs.

# %%
live = widgets.LiveLoss()
cures = ch6_data.overfitting_experiment(
    x_train, y_train, x_val, y_val, n_small=N_SMALL, seed=SEED, callback=live
)

# %%
for cure, res in cures.items():
    print(
        f"{cure:24s} epochs {res['epochs']:3d}  train {res['train accuracy']:.2f}  "
        f"validation {res['val accuracy']:.2f}  gap {res['gap']:.2f}"
    )
ch6_data.plot_overfitting(cures)
plt.show()

# %% [markdown]
# More data is by far the strongest cure: with eight times the rows the gap almost closes and
# validation accuracy jumps by ten points. With only 60 examples the other cures help little:
# early stopping keeps the weights of the best validation loss and stops after 30 epochs
# instead of 80, L2 keeps the validation loss from creeping up (the plotted L2 losses include
# the penalty), dropout makes the training loss noisy but does not change the result here,
# and the smaller model (8 units) still fits the 60 examples perfectly while generalising
# worse. Regularisation trims the excesses of a model; it cannot replace examples it has never
# seen.

# %% [markdown]
# ## 6.7 Missing data (缺失数据)
#
# **Answer.** Document [3]: delete the missing values, fill them with the mean or the median, or
# predict them with a model (删除缺失值、使用平均值或中位数填充缺失值、使用模型预测缺失值). A
# network cannot take NaN as input (`dlcourse.nn` refuses it, as every layer checks its input),
# so something must be done. Deleting loses rows; filling with the mean or median is simple but
# ignores everything else about the row; predicting uses the correlations between features.
#
# ### Exercise 6.1: median imputation (练习：中位数填充)
#
# Write `impute_median(X)`: return a copy of `X` (shape `(N, D)`) in which every NaN is replaced
# by the median of the observed values of its column. The median is robust: one huge value
# moves the mean, not the median.


# %% nbgrader={"grade": false, "grade_id": "ch6_impute_median", "locked": false, "schema_version": 3, "solution": true}
def impute_median(X):
    """A copy of X (N, D) with each NaN replaced by its column's median of observed values."""
    ### BEGIN SOLUTION
    medians = np.nanmedian(X, axis=0)
    return np.where(np.isnan(X), medians, X)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch6_impute_median_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
from dlcourse.exercises import ch6

ch6.check_impute_median(impute_median)

# %% [markdown]
# **Experiment.** Breast cancer (569 tumours, 30 measurements each): a fraction `MISSING` of the
# training values is removed at random; the test set stays complete. For each way of handling
# the gaps: how many training rows remain, how far the filled values are from the truth (root
# mean square error, in standard deviations), and the test accuracy of a small network.

# %%
xb, yb = data.load_breast_cancer()
(xb_train, yb_train), (xb_test, yb_test) = data.train_val_test_split(xb, yb, seed=SEED)[::2]
ways = ch6_data.missing_data_experiment(
    xb_train, yb_train, xb_test, yb_test, fraction=MISSING, seed=SEED
)
for row in ways:
    print(
        f"{row['way']:14s} rows {row['rows']:3d}  fill RMSE {row['fill RMSE']:.2f}  "
        f"test accuracy {row['test accuracy']:.2f}"
    )

# %% [markdown]
# With 10 % of the values missing at random, a row of 30 values is complete with probability
# $0.9^{30} \approx 4\,\%$: dropping rows throws away almost all the data, and accuracy suffers.
# Mean and median fillings keep every row; their filled values are about one standard deviation
# off (they ignore the row). Prediction from the other 29 features (least squares, repeated a
# few times) is much closer, because the measurements are strongly correlated. On this easy
# problem the classifier copes with any filling; on harder ones, better filling matters.
# Always fit the filling on the training data only.

# %% [markdown]
# ## 6.8 Imbalanced data (不平衡数据)
#
# **Answer.** Document [3]: resampling, adjusting the loss function, and specific evaluation
# metrics (重采样、调整损失函数、使用特定的评估指标). When one class is rare, a model can reach
# high accuracy by ignoring it; accuracy then says nothing. Count instead, for the rare
# (positive) class, the true positives TP, false positives FP and false negatives FN:
#
# $$
# \text{precision} = \frac{TP}{TP + FP}, \qquad \text{recall} = \frac{TP}{TP + FN}, \qquad
# F_1 = \frac{2 \cdot \text{precision} \cdot \text{recall}}{\text{precision} + \text{recall}} .
# $$
#
# Precision: of the rows flagged positive, how many are. Recall: of the positives, how many are
# found. The two cures act on training: **resampling** (oversample the rare class, or
# undersample the common one) and **class weights**, which multiply each example's loss by
# $w_c = n / (k\, n_c)$ ($n$ rows, $k$ classes, $n_c$ rows of class $c$) so that every class
# weighs the same in total; `fit(class_weight=...)` takes them.
#
# ### Exercise 6.2: balanced class weights (练习：类别权重)
#
# Write `class_weights(y)`: return a dict `{label: n / (k · n_c)}` with one entry per label that
# occurs in `y`.


# %% nbgrader={"grade": false, "grade_id": "ch6_class_weights", "locked": false, "schema_version": 3, "solution": true}
def class_weights(y):
    """{label: n / (k · n_c)} for the labels of y."""
    ### BEGIN SOLUTION
    labels, counts = np.unique(y, return_counts=True)
    return {int(c): len(y) / (len(labels) * n) for c, n in zip(labels, counts, strict=True)}
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch6_class_weights_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch6.check_class_weights(class_weights)

# %% [markdown]
# ### Exercise 6.3: precision, recall and F1 (练习：精确率、召回率与F1)
#
# Write `precision_recall_f1(y_true, y_pred)` for 0/1 labels, returning the three scores as a
# tuple; a score whose denominator is 0 is 0.


# %% nbgrader={"grade": false, "grade_id": "ch6_precision_recall_f1", "locked": false, "schema_version": 3, "solution": true}
def precision_recall_f1(y_true, y_pred):
    """(precision, recall, F1) of the positive class 1; 0 where a denominator is 0."""
    ### BEGIN SOLUTION
    tp = np.sum((y_pred == 1) & (y_true == 1))
    fp = np.sum((y_pred == 1) & (y_true == 0))
    fn = np.sum((y_pred == 0) & (y_true == 1))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ch6_precision_recall_f1_check", "locked": true, "points": 1, "schema_version": 3, "solution": false}
ch6.check_precision_recall_f1(precision_recall_f1)

# %% [markdown]
# **Experiment.** "Is this digit a 9?": every other digit is a negative, and only 60 nines are
# kept, so 3.6 % of the rows are positive. The package's `precision_recall_f1` and
# `balanced_class_weights` (the reference answers of the exercises) first agree with
# scikit-learn's, then four ways are scored on the test set.

# %%
x_imb, y_imb = ch6_data.make_imbalanced(x, y, positive=9, n_positive=60, seed=SEED)
(xi_train, yi_train), (xi_test, yi_test) = data.train_val_test_split(
    x_imb, y_imb, test=0.3, seed=SEED
)[::2]
print(f"positives: {yi_train.sum()} of {len(yi_train)} training rows,", end=" ")
print(f"{yi_test.sum()} of {len(yi_test)} test rows")
guess = np.random.default_rng(SEED).integers(0, 2, len(yi_test))
ours = ch6_data.precision_recall_f1(yi_test, guess)
sklearns = (
    metrics.precision_score(yi_test, guess),
    metrics.recall_score(yi_test, guess),
    metrics.f1_score(yi_test, guess),
)
print("precision, recall, F1 agree with sklearn.metrics:", np.allclose(ours, sklearns, rtol=1e-12))
weights = ch6_data.balanced_class_weights(yi_train)
print("class weights:", {c: round(w, 3) for c, w in weights.items()})

# %%
scores = ch6_data.imbalance_experiment(xi_train, yi_train, xi_test, yi_test, seed=SEED)
print(f"{'':14s} accuracy precision recall   F1")
for way, s in scores.items():
    print(f"{way:14s} {s['accuracy']:8.2f} {s['precision']:9.2f} {s['recall']:6.2f} {s['F1']:4.2f}")

# %% [markdown]
# "Always 0" reaches 96 % accuracy and finds no nine at all: accuracy hides the failure,
# recall and F1 expose it. The plain network is never wrong when it says "nine" (precision 1)
# but finds fewer than half of them. Oversampling and class weights both nearly double the
# recall; class weights trade more precision for it (more false alarms), and here oversampling
# gives the best F1. Which trade-off is right depends on the cost of a missed positive against
# a false alarm (a missed tumour is worse than a second look); the threshold 0.5 on the output
# can be moved too.

# %% [markdown]
# ## 6.9 Choosing a loss and an optimizer (选择损失函数和优化算法)
#
# **Answer.** Document [2]: "choose according to the problem: cross-entropy for
# classification, mean squared error for regression". That is right, and there is a reason
# beyond convention. With a sigmoid output $p = \sigma(z)$ and target $y$:
#
# $$
# \text{cross-entropy: } \frac{\partial L}{\partial z} = p - y, \qquad
# \text{squared error } (p-y)^2\text{: } \frac{\partial L}{\partial z} = 2\,(p - y)\,p\,(1 - p).
# $$
#
# The factor $p(1-p)$ of the squared error vanishes when the output saturates, so a
# confidently **wrong** prediction ($z = -6$ for $y = 1$) gets almost no gradient.
# Cross-entropy's gradient is largest exactly then. NumPy (`dlcourse.nn`: the loss's gradient,
# then the sigmoid's backward) beside TensorFlow (`tf.GradientTape` through `keras.losses`):

# %%
z = np.array([-6.0, -2.0, 0.0, 2.0, 6.0])
target = np.ones_like(z)
ours = ch6_gradients.output_gradients(z, target)
theirs = ch6_gradients.output_gradients_tf(z, target)
for name in ours:
    print(f"{name:14s} dL/dz at z = {z}: {np.round(ours[name], 4)}")
agree = all(np.allclose(ours[k], theirs[k], rtol=1e-12, atol=0) for k in ours)
print("NumPy and TensorFlow agree to 1e-12:", agree)

# %% [markdown]
# For the optimizer, document [2] says again "according to the problem". In practice: Adam with
# its default learning rate (0.001) is a robust first choice; SGD with momentum, its learning
# rate tuned, often generalises as well or better on large problems; plain SGD needs more
# epochs. **Experiment:** the same MLP from the same weights, trained with each optimizer of
# chapter 3 for 10 epochs, and once with Adam on the squared error of its softmax output.

# %%
runs = ch6_faq.optimizer_comparison(x_train, y_train, x_val, y_val, epochs=10, seed=SEED)
fig, ax = plt.subplots(figsize=(7, 3.6))
for name, logs in runs.items():
    print(f"{name:28s} validation accuracy {logs['val_accuracy'][-1]:.2f}")
    if "squared" not in name:
        ax.plot(range(1, 11), logs["loss"], label=name)
ax.set(xlabel="epoch", ylabel="training cross-entropy", title="Optimizers on the digits")
ax.legend(fontsize=8)
plt.show()


# %% [markdown]
# The adaptive methods and momentum reach a low loss within a few epochs; plain SGD at 0.01 is
# far behind (it would need a larger learning rate or more epochs). The squared error on the
# softmax output does as well as cross-entropy here: its gradient is only small for outputs
# that are confidently wrong, and a freshly initialised network is not confident about
# anything. Cross-entropy remains the standard choice for classification: it is the
# (negative log-)likelihood of the labels, and its gradient never fades on a wrong answer.

# %% [markdown]
# ## 6.10 Claim check: choosing activations (选择激活函数)
#
# > **Claim check.** Document [2]: "if the problem is classification, use ReLU or similar
# > activations; if it is regression, use sigmoid or similar"
# > (如果问题是分类问题，可以使用ReLU等激活函数；如果问题是回归问题，可以使用sigmoid等激活函数).
#
# The choice depends on *where* the activation sits, not on the task. **Hidden layers** almost
# always use ReLU (or a relative), for classification and regression alike: it is cheap and its
# derivative is 1 for positive inputs, so gradients pass through many layers (6.11). The
# **output layer** is chosen by what the output means: a softmax (one class of several) or a
# sigmoid (a probability, or several yes/no labels) for classification; **linear** (no
# activation) for regression, because a sigmoid's outputs lie in $(0, 1)$.
#
# **Experiment 1: regression.** Fit $y = 2\sin(1.5x) + x/2$, whose values lie between about
# −2.6 and 2.6, with a linear output and with [2]'s sigmoid.

# %%
fits = ch6_faq.regression_outputs(seed=SEED)
for name, res in fits.items():
    if name != "data":
        low, high = res["min"], res["max"]
        print(f"{name:18s} test MSE {res['mse']:5.3f}  predictions in [{low:5.2f}, {high:5.2f}]")
ch6_faq.plot_regression_outputs(fits)
plt.show()


# %% [markdown]
# **Experiment 2: classification.** Three hidden layers with ReLU, tanh or sigmoid and a softmax
# output, and ReLU everywhere including the output ([2]'s rule read literally); SGD, 10 epochs.

# %%
hidden = ch6_faq.hidden_activation_comparison(x_train, y_train, x_val, y_val, seed=SEED)
for name, accuracy in hidden.items():
    print(f"{name:28s} validation accuracy {accuracy:.2f}")

# %% [markdown]
# **Conclusion.** The claim is wrong on both counts. A sigmoid output cannot reach regression
# targets outside $(0, 1)$: its predictions are stuck in that band and its error is hundreds of
# times larger than the linear output's. For classification, the hidden layers need an
# activation that lets gradients through: ReLU and tanh both learn, while sigmoid, three layers
# deep, does not even start with SGD (section 6.11 shows why). The output needs a softmax: a
# ReLU output gives no probabilities and learns nothing here. Rule of thumb: ReLU (or a
# relative) inside; at the output softmax or sigmoid for classes, linear for values.

# %% [markdown]
# ## 6.11 Vanishing and exploding gradients (梯度消失和梯度爆炸)
#
# **Answer.** Backpropagation (chapter 3) multiplies, layer after layer, by each layer's weights
# and activation derivative. For Dense layers $h_l = f(h_{l-1} W_l + b_l)$:
#
# $$
# \frac{\partial L}{\partial W_l} = h_{l-1}^\top \delta_l, \qquad
# \delta_l = \left(\delta_{l+1} W_{l+1}^\top\right) \odot f'(z_l),
# $$
#
# so the gradient of a layer far from the output is a product of many factors
# $\|W_k\| \cdot |f'(z_k)|$. The sigmoid's derivative is at most $1/4$: the product shrinks
# geometrically towards the input (**vanishing**, 梯度消失), and the first layers stop learning.
# Weights drawn too large make it grow (**exploding**, 梯度爆炸), and training diverges.
#
# **Experiment.** Deep MLPs of `DEPTH` hidden layers (64 units), freshly initialised, one batch
# of 256 standardised digits, one backward pass: the norm $\|\partial L/\partial W_l\|$ of each
# layer's kernel gradient, for several activations and initialisations (He initialisation draws
# $W \sim \mathcal{N}(0, 2/d_{in})$, made for ReLU; Glorot $\mathcal{U}$ with variance
# $2/(d_{in}+d_{out})$). "LayerNorm" puts a normalisation layer (below) before each sigmoid.

# %%
xs_train, xs_val, xs_test = data.standardize(x_train, x_val, x_test)
batch_x, batch_y = xs_train[:256], y_train[:256]
norms = ch6_gradients.gradient_norm_table(batch_x, batch_y, depth=DEPTH, seed=SEED)
for name, values in norms.items():
    print(f"{name:27s} first layer {values[0]:.0e}, last layer {values[-1]:.0e}")
ch6_gradients.plot_gradient_norms(norms)
plt.show()


# %% [markdown]
# The same numbers from TensorFlow, for the sigmoid network: `to_keras` copies the NumPy model
# and its weights into Keras, and `tf.GradientTape` differentiates Keras' cross-entropy.

# %%
sigmoid_setup = ch6_gradients.GRADIENT_SETUPS["sigmoid, Glorot"]
sigmoid_net = ch6_gradients.deep_mlp(DEPTH, input_dim=x.shape[1], seed=SEED, **sigmoid_setup)
ours = ch6_gradients.kernel_gradient_norms(sigmoid_net, batch_x, batch_y)
theirs = ch6_gradients.kernel_gradient_norms_tf(sigmoid_net, batch_x, batch_y)
agree = np.allclose(ours, theirs, rtol=1e-12, atol=0)
print("per-layer gradient norms, NumPy and TensorFlow agree to 1e-12:", agree)

# %% [markdown]
# With sigmoid and Glorot initialisation the first layer's gradient is about a million times
# smaller than the last one's. ReLU with He initialisation keeps every layer's gradient near 1.
# ReLU with weights too small ($\sigma = 0.05$) vanishes everywhere; too large ($\sigma = 0.3$)
# and every gradient is hundreds of times too big, which makes SGD diverge below.
#
# **Normalisation.** `dlcourse.nn` has no normalisation layer, so `ch6_gradients` writes one:
# layer normalisation rescales each row of pre-activations to mean 0 and variance 1, keeping
# every sigmoid in its steep middle range. Over the $D$ features of a row, with
# $r = (\sigma^2 + \epsilon)^{-1/2}$:
#
# $$
# \hat{x} = (x - \mu)\, r, \qquad
# \frac{\partial L}{\partial x} = r \left(\delta - \overline{\delta} - \hat{x}\;
# \overline{\delta \odot \hat{x}}\right),
# $$
#
# where $\delta = \partial L/\partial \hat{x}$ and a bar is the mean over the row. In the plot
# it lifts the first layer's gradient a hundred times, but with $f' \le 1/4$ it cannot remove
# the decay. The NumPy layer beside its Keras twin, `LayerNormalization(center=False,
# scale=False)`, forward and backward under a random upstream gradient:

# %%
ln_x, ln_dout = np.random.default_rng(SEED).normal(size=(2, 4, 6))
layer_norm = ch6_gradients.LayerNormalization(epsilon=1e-3)
ours = layer_norm.forward(ln_x), layer_norm.backward(ln_dout)
twin = keras.layers.LayerNormalization(epsilon=1e-3, center=False, scale=False, dtype="float64")
x_tf = tf.constant(ln_x)
with tf.GradientTape() as tape:
    tape.watch(x_tf)
    out_tf = twin(x_tf)
theirs = out_tf.numpy(), tape.gradient(out_tf, x_tf, output_gradients=ln_dout).numpy()
agree = all(np.allclose(a, b, rtol=1e-10, atol=1e-12) for a, b in zip(ours, theirs, strict=True))
print("LayerNormalization forward and backward, NumPy and Keras agree to 1e-10:", agree)

# %% [markdown]
# ### Claim check: "use Adam" (梯度消失：用Adam就够了吗？)
#
# > **Claim check.** Document [2]: "an appropriate optimization algorithm can solve vanishing
# > and exploding gradients, for example Adam"
# > (可以使用适当的优化算法来解决深度学习模型的梯度消失和梯度爆炸问题。例如，可以使用Adam等优化算法).
#
# An optimizer receives the gradients after backpropagation has computed them; it cannot make
# them carry more information. What Adam does change is the *step*: its update
# $\alpha\, \hat m / (\sqrt{\hat v} + \epsilon)$ divides by the gradient's own scale: its
# first step is $\alpha\, g / (|g| + \epsilon/\sqrt{1-\beta_2})$, about $\alpha\,\mathrm{sign}(g)$
# for every weight whose gradient is well above $\epsilon/\sqrt{1-\beta_2} \approx 3 \cdot
# 10^{-6}$ (Keras' defaults), however small. First measurement: the size of the first update
# of each layer of the sigmoid network, SGD against Adam.

# %%
sgd_steps = ch6_gradients.first_update_norms(sigmoid_net, batch_x, batch_y, nn.optimizers.SGD(0.05))
adam_steps = ch6_gradients.first_update_norms(
    sigmoid_net, batch_x, batch_y, nn.optimizers.Adam(0.001)
)
print("first step of each layer, |ΔW| (input side first)")
print("SGD  (0.05): ", " ".join(f"{s:.0e}" for s in sgd_steps))
print("Adam (0.001):", " ".join(f"{s:.0e}" for s in adam_steps))

# %% [markdown]
# Adam equalises the steps of the upper layers; the first layers, whose gradient elements are
# around $10^{-8}$, below Adam's threshold, still move about 200 times less. Does that make the
# deep sigmoid network learn? Second measurement: train each set-up for 10 epochs on 700 digits
# with SGD and with Adam, and with SGD plus gradient clipping (`global_clipnorm=1`: the
# gradients are rescaled so that their joint norm is at most 1) where gradients explode.
# "first/last" is the ratio of the first to the last layer's gradient norm after training.

# %%
deep_data = (xs_train[:700], y_train[:700], xs_val, y_val)
optimizers = {"SGD": lambda: nn.optimizers.SGD(0.05), "Adam": lambda: nn.optimizers.Adam(0.001)}
clipped = {"SGD + clipping": lambda: nn.optimizers.SGD(0.05, global_clipnorm=1.0)}
setups = ["sigmoid, Glorot", "sigmoid, Glorot, LayerNorm", "ReLU, He", "ReLU, N(0, 0.3²)"]
for setup in setups:
    extra = clipped if "0.3" in setup else {}
    for opt_name, make in {**optimizers, **extra}.items():
        res = ch6_gradients.train_deep(setup, make, deep_data, epochs=10, depth=DEPTH, seed=SEED)
        outcome = (
            "diverged"
            if res["diverged"]
            else f"accuracy {res['accuracy']:.2f}, first/last {res['first/last']:.0e}"
        )
        print(f"{setup:27s} {opt_name:15s} {outcome}")

# %% [markdown]
# **Conclusion.** Adam alone does not rescue the deep sigmoid network: it stays at chance
# (10 %), as with SGD. What works acts on the signal itself: **ReLU with He initialisation**
# trains with either optimizer and keeps the gradient ratio near 1; **normalisation** makes the
# sigmoid network trainable (with Adam, whose equal steps now have a usable signal to follow);
# against **exploding** gradients, **clipping** turns a diverging SGD run into one that learns,
# and the real fix is again a sensible initialisation. Adam helps as a companion of these
# fixes, not as a replacement: use ReLU-family activations, He/Glorot initialisation,
# normalisation in deep stacks, clipping when gradients spike, and residual connections in very
# deep networks.

# %% [markdown]
# ## 6.12 What are a CNN and a fully connected layer? (卷积神经网络与全连接层)
#
# **Answer** [1]. A **fully connected layer** (全连接层, `Dense`) multiplies its whole input by
# a weight matrix, adds a bias and applies the activation: $\text{out} = f(xW + b)$, a weight for
# every input–output pair. A **convolutional neural network** (卷积神经网络, CNN) learns image
# features with **convolutional layers**, which slide one small kernel $K$ over the image:
#
# $$
# \text{out}_{i,j,k} = f\Big(\sum_{u,v,c} x_{i+u,\,j+v,\,c}\, K_{u,v,c,k} + b_k\Big).
# $$
#
# The same few weights are used at every position (weight sharing), and each output looks at a
# small neighbourhood (local connectivity). Two consequences, measured: far fewer parameters,
# and a feature that moves with the image.

# %%
counts = ch6_faq.conv_dense_parameters((8, 8, 1), filters=32, kernel_size=3)
print(f"{counts['outputs']} outputs from an 8×8×1 image:")
print(f"  Conv2D(32, 3×3): {counts['conv2d']:,} parameters")
print(f"  Dense layer with the same outputs: {counts['dense']:,} parameters")
moved = ch6_faq.shift_equivariance(seed=SEED)
print("image moved one pixel to the right; largest change of the output, moved back:")
print(f"  Conv2D below 1e-12: {moved['conv2d'] < 1e-12}; Dense: {moved['dense']:.2f}")

# %% [markdown]
# The convolution formula, NumPy against TensorFlow: a `Conv2D` of the NumPy reference and its
# Keras copy (same weights, float64) on 16 digit images.

# %%
images = data.load_digits()[0][:16].astype("float64")
conv = nn.Sequential([nn.layers.Conv2D(4, 3, input_shape=(8, 8, 1))], seed=SEED, dtype="float64")
difference = np.abs(conv.predict(images, verbose=0) - to_keras(conv).predict(images, verbose=0))
print("NumPy and Keras Conv2D agree to 1e-12:", bool(difference.max() < 1e-12))

# %% [markdown]
# Chapter 3 derives the convolution's backward pass and chapter 4 trains document [1]'s CNN on
# the digits. A CNN typically ends with a `Flatten` and one or more fully connected layers that
# turn the features into class scores: the two kinds of layer work together.

# %% [markdown]
# ## Summary (小结)
#
# | question | the documents' answer | what the experiments showed |
# |---|---|---|
# | deep learning? | multi-layer networks, a subset of ML | on small 8×8 digits depth adds nothing and an SVM is as good |
# | much data? | to capture the patterns | the network keeps improving with data; naive Bayes stops |
# | poor performance | data, model, training parameters | diagnose first: under- and over-fitting need opposite cures |
# | slow training | compute, model size | FLOPs grow with width, not with batch size; small batches waste time |
# | memory | smaller model, **larger batch** | wrong: activation memory grows linearly with the batch |
# | overfitting | data, simpler model, L1/L2, dropout | more data is the strongest cure here |
# | missing data | drop, mean/median, predict | dropping rows loses almost everything; prediction fills best |
# | imbalance | resampling, loss weights, metrics | accuracy hides failure; recall and F1 show it; both cures help |
# | loss, optimizer | cross-entropy / MSE; by the problem | cross-entropy's gradient does not saturate; Adam is a robust default |
# | activations | classification ReLU, **regression sigmoid** | wrong: ReLU inside, linear output for regression |
# | vanishing gradients | **use Adam** | not enough: ReLU + He, normalisation and clipping fix the signal |
# | CNN, Dense | convolution extracts features | far fewer weights, features that move with the image |
