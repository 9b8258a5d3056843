"""The documents' Keras programs run on the NumPy reference by changing only their imports.

Each of the six programs of the source documents (COURSE_MAP chapter 4) is copied below exactly
as the document writes it (a test checks the copies against ../shared/seeds/ where that folder
exists). ``numpy_version`` replaces its TensorFlow / Keras import lines, and nothing else, by
the dlcourse.nn ones; the program then runs with ``exec`` on small random data of the documents'
shapes (the documents never define their data), at the documents' own epochs, printing what
Keras would (captured here). One more substitution is needed, in [1]'s CNN, whose data lines are
literally ``np.array([...])``, a placeholder: those two right-hand sides name our data instead.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from dlcourse.nn import Sequential

DOC0_MNIST_MLP = """\
import tensorflow as tf
from tensorflow.keras.models import Sequential
from tensorflow.keras.layers import Dense

# 构建神经网络
model = Sequential()
model.add(Dense(units=32, activation='relu', input_dim=784))
model.add(Dense(units=10, activation='softmax'))

# 编译模型
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])

# 训练模型
model.fit(x_train, y_train, epochs=5)

# 预测
predictions = model.predict(x_test)
"""

DOC1_XOR = """\
import numpy as np
import tensorflow as tf

# 定义神经网络的结构
model = tf.keras.Sequential([
    tf.keras.layers.Dense(10, activation='relu', input_shape=(2,)),
    tf.keras.layers.Dense(1, activation='sigmoid')
])

# 编译模型
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# 训练模型
x_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
y_train = np.array([[0], [1], [1], [0]])
model.fit(x_train, y_train, epochs=1000)
"""

DOC1_CNN = """\
import numpy as np
import tensorflow as tf

# 定义卷积神经网络的结构
model = tf.keras.Sequential([
    tf.keras.layers.Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),
    tf.keras.layers.MaxPooling2D((2, 2)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(10, activation='softmax')
])

# 编译模型
model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])

# 训练模型
x_train = np.array([...]) # 训练数据
y_train = np.array([...]) # 训练标签
model.fit(x_train, y_train, epochs=10)
"""

DOC2_MLP = """\
import tensorflow as tf
model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(64, activation='relu', input_shape=(100,)),
    tf.keras.layers.Dense(64, activation='relu'),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(loss='categorical_crossentropy', optimizer='adam', metrics=['accuracy'])
model.fit(x_train, y_train, epochs=10)
predictions = model.predict(x_test)
"""

DOC3_BINARY_MLP = """\
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

# 编译模型
model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])

# 训练模型
model.fit(X_train, Y_train, epochs=100, batch_size=10)
"""

DOC4_BINARY_MLP = """\
import tensorflow as tf
from tensorflow import keras

# 构建神经网络
model = keras.Sequential([
    keras.layers.Dense(64, activation='relu', input_shape=(100,)),
    keras.layers.Dense(64, activation='relu'),
    keras.layers.Dense(1, activation='sigmoid')
])

# 编译模型
model.compile(optimizer='adam',
              loss='binary_crossentropy',
              metrics=['accuracy'])

# 训练模型
model.fit(x_train, y_train, epochs=10)

# 评估模型
loss, accuracy = model.evaluate(x_test, y_test)
print('Loss:', loss)
print('Accuracy:', accuracy)
"""


PROGRAMS = {
    "doc0_mnist_mlp": DOC0_MNIST_MLP,
    "doc1_xor": DOC1_XOR,
    "doc1_cnn": DOC1_CNN,
    "doc2_mlp": DOC2_MLP,
    "doc3_binary_mlp": DOC3_BINARY_MLP,
    "doc4_binary_mlp": DOC4_BINARY_MLP,
}

# The only edits: each document's import line, replaced by its dlcourse.nn counterpart.
IMPORTS = {
    "import tensorflow as tf": "import dlcourse.nn as tf",
    "from tensorflow.keras.models import Sequential": "from dlcourse.nn.models import Sequential",
    "from tensorflow.keras.layers import Dense": "from dlcourse.nn.layers import Dense",
    "from tensorflow import keras": "from dlcourse.nn import keras",
    "from keras.models import Sequential": "from dlcourse.nn.models import Sequential",
    "from keras.layers import Dense": "from dlcourse.nn.layers import Dense",
}
# [1]'s CNN: the placeholder data, np.array([...]), becomes the data defined by the test.
PLACEHOLDERS = {
    "x_train = np.array([...]) # 训练数据": "x_train = np.array(TRAIN_IMAGES) # 训练数据",
    "y_train = np.array([...]) # 训练标签": "y_train = np.array(TRAIN_LABELS) # 训练标签",
}
FOREIGN_IMPORT = re.compile(r"^\s*(import|from)\s+(tensorflow|keras)\b")


def numpy_version(code: str) -> str:
    """The program with its import lines (and [1]'s data placeholders) replaced, nothing else."""
    lines = [PLACEHOLDERS.get(line, IMPORTS.get(line, line)) for line in code.split("\n")]
    converted = "\n".join(lines)
    assert not any(FOREIGN_IMPORT.match(line) for line in lines), converted
    return converted


def data(name: str) -> dict:
    """Small random data of the shapes each document's model expects (seeded)."""
    rng = np.random.default_rng(0)
    if name == "doc0_mnist_mlp":  # MNIST rows, integer labels (sparse loss)
        return {
            "x_train": rng.uniform(size=(64, 784)).astype(np.float32),
            "y_train": rng.integers(0, 10, 64),
            "x_test": rng.uniform(size=(9, 784)).astype(np.float32),
        }
    if name == "doc1_cnn":  # 28×28×1 images, one-hot labels (categorical loss)
        return {
            "TRAIN_IMAGES": rng.uniform(size=(16, 28, 28, 1)).astype(np.float32),
            "TRAIN_LABELS": np.eye(10)[rng.integers(0, 10, 16)],
        }
    if name == "doc2_mlp":  # 100 features, one-hot labels of 10 classes
        return {
            "x_train": rng.normal(size=(48, 100)),
            "y_train": np.eye(10)[rng.integers(0, 10, 48)],
            "x_test": rng.normal(size=(7, 100)),
        }
    if name == "doc3_binary_mlp":  # 8 features, 0/1 labels; the document writes X_train, Y_train
        return {"X_train": rng.normal(size=(40, 8)), "Y_train": rng.integers(0, 2, 40)}
    if name == "doc4_binary_mlp":
        return {
            "x_train": rng.normal(size=(48, 100)),
            "y_train": rng.integers(0, 2, 48),
            "x_test": rng.normal(size=(12, 100)),
            "y_test": rng.integers(0, 2, 12),
        }
    return {}  # [1]'s XOR defines its own truth table


EXPECTED = {
    # name: (epochs the document asks for, shape of `predictions` or None)
    "doc0_mnist_mlp": (5, (9, 10)),
    "doc1_xor": (1000, None),
    "doc1_cnn": (10, None),
    "doc2_mlp": (10, (7, 10)),
    "doc3_binary_mlp": (100, None),
    "doc4_binary_mlp": (10, None),
}


def test_only_import_lines_change():
    for name, code in PROGRAMS.items():
        before, after = code.split("\n"), numpy_version(code).split("\n")
        assert len(before) == len(after)
        changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
        assert changed, name
        for original, _ in changed:
            assert original in IMPORTS or original in PLACEHOLDERS, original
        if name != "doc1_cnn":
            assert all(original in IMPORTS for original, _ in changed)


def test_the_copies_are_the_documents_code():
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("the source documents are not next to this checkout")
    blocks = []
    for path in sorted(seeds.glob("*.txt")):
        blocks += re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    for name, code in PROGRAMS.items():
        if name == "doc2_mlp":  # [2] spreads its program over five consecutive blocks
            assert code in "".join(blocks), name
        else:
            assert code in blocks, name


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_document_program_runs_on_numpy(name, capsys):
    namespace = {"__name__": f"document_{name}", **data(name)}
    exec(compile(numpy_version(PROGRAMS[name]), f"<{name}>", "exec"), namespace)
    out = capsys.readouterr().out
    model = namespace["model"]
    assert isinstance(model, Sequential)
    epochs, prediction_shape = EXPECTED[name]
    # it trained: every epoch the document asks for ran and was logged, with finite values
    assert model.history.epoch == list(range(epochs))
    assert all(np.isfinite(v).all() for v in model.history.history.values())
    assert set(model.history.history) == {"accuracy", "loss"}
    assert f"Epoch 1/{epochs}" in out and f"Epoch {epochs}/{epochs}" in out
    if prediction_shape is not None:
        predictions = namespace["predictions"]
        assert predictions.shape == prediction_shape
        np.testing.assert_allclose(predictions.sum(axis=1), 1.0, rtol=1e-5)  # softmax rows
    if name == "doc4_binary_mlp":
        loss, accuracy = namespace["loss"], namespace["accuracy"]
        assert np.isfinite(loss) and 0.0 <= accuracy <= 1.0
        assert f"Loss: {loss}" in out and f"Accuracy: {accuracy}" in out


def test_the_cnn_placeholder_data_gives_a_clear_error(capsys):
    """Run verbatim, [1]'s CNN passes np.array([...]) (an object array): refused clearly."""
    code = "\n".join(IMPORTS.get(line, line) for line in DOC1_CNN.split("\n"))
    with pytest.raises(TypeError, match=r"`x` must hold numbers"):
        exec(compile(code, "<doc1_cnn verbatim>", "exec"), {"__name__": "document"})


def test_the_numpy_half_never_imports_tensorflow():
    """The namespaces the documents' code uses load without TensorFlow or Keras."""
    script = (
        "import sys\n"
        "import dlcourse.nn as tf\n"
        "from dlcourse.nn import keras\n"
        "from dlcourse.nn.models import Sequential\n"
        "from dlcourse.nn.layers import Dense\n"
        "assert tf.keras.Sequential is Sequential and keras.layers.Dense is Dense\n"
        "assert tf.keras.models.Sequential is Sequential\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print(loaded)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
