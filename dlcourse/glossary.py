"""The course's bilingual glossary: English term, the documents' Chinese term, a definition.

Every section heading of the course carries the documents' Chinese term in brackets, e.g.
``## 3.2 Backpropagation (反向传播)``; this glossary collects those terms in one place, with the
chapter that teaches each. Chapter 1 displays it (``glossary.table()``); ``lookup`` finds a term
by its English or Chinese name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GLOSSARY", "Term", "lookup", "table", "terms"]


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    english: str
    chinese: str
    definition: str
    chapter: int


GLOSSARY: tuple[Term, ...] = (
    # Chapter 1: background
    Term(
        "artificial intelligence (AI)",
        "人工智能",
        "Computer systems that perform tasks we associate with human intelligence.",
        1,
    ),
    Term(
        "machine learning",
        "机器学习",
        "Methods that learn a task from data instead of following hand-written rules.",
        1,
    ),
    Term(
        "deep learning",
        "深度学习",
        "Machine learning with neural networks of several hidden layers.",
        1,
    ),
    Term(
        "image recognition", "图像识别", "Assigning labels (digits, objects, faces) to images.", 1
    ),
    Term(
        "natural language processing (NLP)",
        "自然语言处理",
        "Computing with human language: translation, classification, question answering.",
        1,
    ),
    Term("speech recognition", "语音识别", "Turning recorded speech into text.", 1),
    Term(
        "GPU",
        "图形处理器",
        "A processor with thousands of simple cores; it multiplies matrices fast.",
        1,
    ),
    # Chapter 2: core concepts
    Term(
        "neural network",
        "神经网络",
        "A function built from layers of weighted sums followed by activations.",
        2,
    ),
    Term(
        "neuron",
        "神经元",
        "One unit: a weighted sum of its inputs plus a bias, passed through an activation.",
        2,
    ),
    Term("weight", "权重", "A learned factor multiplying one input of a neuron.", 2),
    Term("bias", "偏置", "A learned constant added to a neuron's weighted sum.", 2),
    Term("layer", "层", "A group of neurons computed together from the same inputs.", 2),
    Term("input layer", "输入层", "The data as it enters the network; it has no weights.", 2),
    Term(
        "hidden layer",
        "隐藏层",
        "A layer between input and output; it learns intermediate features.",
        2,
    ),
    Term("output layer", "输出层", "The last layer; it produces the prediction.", 2),
    Term(
        "multilayer perceptron (MLP)",
        "多层感知机",
        "A network of fully connected layers with non-linear activations.",
        2,
    ),
    Term(
        "representation learning",
        "表示学习",
        "Learning useful features from raw data instead of designing them by hand.",
        2,
    ),
    Term(
        "computational graph",
        "计算图",
        "The graph of operations of a computation; gradients flow backwards along it.",
        2,
    ),
    Term(
        "automatic differentiation",
        "自动微分",
        "Computing exact derivatives of a program by applying the chain rule to its graph.",
        2,
    ),
    Term(
        "linearly separable",
        "线性可分",
        "Two classes that a straight line (a hyperplane) can separate; XOR is not.",
        2,
    ),
    # Chapter 3: algorithms and maths
    Term(
        "forward propagation",
        "前向传播",
        "Computing a network's output layer by layer from its input.",
        3,
    ),
    Term(
        "backpropagation",
        "反向传播",
        "Computing the loss's gradient for every weight by the chain rule, output to input.",
        3,
    ),
    Term(
        "chain rule",
        "链式法则",
        "The derivative of a composition is the product of the derivatives.",
        3,
    ),
    Term(
        "activation function",
        "激活函数",
        "The non-linear function applied to a neuron's weighted sum.",
        3,
    ),
    Term("sigmoid", "Sigmoid 函数", "σ(x) = 1 / (1 + e^−x), squashing to (0, 1).", 3),
    Term(
        "softmax", "Softmax 函数", "Turns a vector of scores into probabilities that sum to one.", 3
    ),
    Term("ReLU", "线性整流函数", "max(x, 0): zero for negative inputs, the identity otherwise.", 3),
    Term(
        "loss function",
        "损失函数",
        "A number measuring how far predictions are from the targets.",
        3,
    ),
    Term("mean squared error", "均方误差", "The average of squared differences.", 3),
    Term(
        "cross-entropy",
        "交叉熵",
        "−Σ p log q: the loss of predicted probabilities q against true ones p.",
        3,
    ),
    Term(
        "gradient",
        "梯度",
        "The vector of partial derivatives; it points to the steepest increase.",
        3,
    ),
    Term(
        "gradient descent",
        "梯度下降",
        "Repeatedly stepping the parameters against the gradient: θ := θ − α∇J(θ).",
        3,
    ),
    Term("learning rate", "学习率", "The step size α of gradient descent.", 3),
    Term(
        "stochastic gradient descent (SGD)",
        "随机梯度下降",
        "Gradient descent on the gradient of a small random batch.",
        3,
    ),
    Term("batch size", "批量大小", "The number of samples per gradient step.", 3),
    Term("epoch", "轮次", "One pass over the whole training set.", 3),
    Term(
        "momentum",
        "动量",
        "Adding a fraction of the previous step to the current one, to speed and smooth.",
        3,
    ),
    Term(
        "optimizer",
        "优化器",
        "The rule that turns gradients into parameter updates (SGD, Adam, …).",
        3,
    ),
    Term(
        "regularization",
        "正则化",
        "Anything that discourages overfitting, such as weight penalties or dropout.",
        3,
    ),
    Term(
        "dropout",
        "Dropout（随机失活）",
        "Zeroing a random fraction of activations during training.",
        3,
    ),
    Term(
        "convolutional neural network (CNN)",
        "卷积神经网络",
        "A network whose layers slide small learned filters over an image.",
        3,
    ),
    Term(
        "convolution",
        "卷积",
        "Sliding a filter over the input and taking a weighted sum at each place.",
        3,
    ),
    Term(
        "pooling",
        "池化",
        "Summarising each small window (e.g. its maximum) to shrink a feature map.",
        3,
    ),
    Term(
        "fully connected layer",
        "全连接层",
        "A layer where every output depends on every input (Dense).",
        3,
    ),
    Term(
        "gradient checking", "梯度检验", "Comparing analytic gradients with finite differences.", 3
    ),
    # Chapter 4: code examples
    Term("model", "模型", "The network with its learned parameters.", 4),
    Term("compile", "编译", "Choosing the optimizer, loss and metrics of a Keras model.", 4),
    Term("training", "训练", "Fitting the parameters to data by gradient descent.", 4),
    Term("prediction", "预测", "The model's output for new inputs.", 4),
    Term("evaluation", "评估", "Measuring loss and metrics on data held out from training.", 4),
    Term("accuracy", "准确率", "The fraction of correct predictions.", 4),
    # Chapter 5: trends and challenges
    Term(
        "data augmentation",
        "数据增强",
        "Making new training samples by transforming existing ones.",
        5,
    ),
    Term(
        "model compression",
        "模型压缩",
        "Making a trained model smaller or faster with little loss of accuracy.",
        5,
    ),
    Term("pruning", "剪枝", "Removing the weights (or units) that matter least.", 5),
    Term(
        "quantization",
        "量化",
        "Storing weights with fewer bits, e.g. 8-bit integers instead of 32-bit floats.",
        5,
    ),
    Term(
        "knowledge distillation",
        "知识蒸馏",
        "Training a small student model to imitate a large teacher's soft outputs.",
        5,
    ),
    Term(
        "interpretability",
        "可解释性",
        "How well people can understand why a model predicts what it does.",
        5,
    ),
    Term(
        "transfer learning",
        "迁移学习",
        "Reusing a model trained on one task as the start for another.",
        5,
    ),
    Term(
        "automated machine learning (AutoML)",
        "自动化机器学习",
        "Searching architectures and hyperparameters automatically.",
        5,
    ),
    Term(
        "multimodal learning",
        "多模态学习",
        "Learning from several kinds of data at once (text, images, sound).",
        5,
    ),
    # Chapter 6: FAQ
    Term(
        "overfitting",
        "过拟合",
        "Fitting the training data so closely that accuracy on new data suffers.",
        6,
    ),
    Term("underfitting", "欠拟合", "A model too simple to fit even the training data.", 6),
    Term(
        "early stopping", "早停", "Stopping training when the validation loss stops improving.", 6
    ),
    Term(
        "missing data",
        "缺失数据",
        "Entries without a value; they are dropped, filled in or predicted.",
        6,
    ),
    Term("imbalanced data", "不平衡数据", "Data where some classes are much rarer than others.", 6),
    Term(
        "precision", "精确率", "Of the samples predicted positive, the fraction truly positive.", 6
    ),
    Term("recall", "召回率", "Of the truly positive samples, the fraction predicted positive.", 6),
    Term("F1 score", "F1 分数", "The harmonic mean of precision and recall.", 6),
    Term(
        "vanishing gradient",
        "梯度消失",
        "Gradients shrinking layer by layer until early layers stop learning.",
        6,
    ),
    Term(
        "exploding gradient",
        "梯度爆炸",
        "Gradients growing layer by layer until training diverges.",
        6,
    ),
    Term(
        "hyperparameter",
        "超参数",
        "A setting chosen before training (learning rate, layer sizes), not learned.",
        6,
    ),
)


def terms(chapter: int | None = None) -> list[Term]:
    """All terms, or those of one chapter (1–6)."""
    if chapter is None:
        return list(GLOSSARY)
    if isinstance(chapter, bool) or not isinstance(chapter, int) or not 1 <= chapter <= 6:
        raise ValueError(
            f"Argument `chapter` must be an integer from 1 to 6 or None. "
            f"Received: chapter={chapter!r}"
        )
    return [t for t in GLOSSARY if t.chapter == chapter]


def lookup(name: str) -> Term:
    """The entry whose English or Chinese name is ``name`` (case-insensitive for English).

    An English name also matches without its bracketed abbreviation, and the abbreviation alone
    matches (``"SGD"``, ``"stochastic gradient descent"``).

    Raises:
        KeyError: with close matches, when there is no such term.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"Argument `name` must be a non-empty string. Received: {name!r}")
    key = name.strip().lower()
    for term in GLOSSARY:
        english = term.english.lower()
        base = english.split(" (")[0]
        abbrev = english[english.find("(") + 1 : english.find(")")] if "(" in english else None
        if key in (english, base, abbrev) or name.strip() == term.chinese:
            return term
    close = [t.english for t in GLOSSARY if key in t.english.lower() or name in t.chinese]
    hint = f" Did you mean: {', '.join(close[:5])}?" if close else ""
    raise KeyError(f"No glossary term {name!r}.{hint}")


def table(chapter: int | None = None) -> str:
    """The glossary (or one chapter's part) as a Markdown table, for ``display(Markdown(...))``."""
    rows = ["| English | 中文 | Definition | Chapter |", "|---|---|---|---|"]
    for t in terms(chapter):
        rows.append(f"| {t.english} | {t.chinese} | {t.definition} | {t.chapter} |")
    return "\n".join(rows)
