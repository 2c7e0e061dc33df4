"""Binarization, the offline loader and the splits."""

import keras
import numpy as np
import pytest

from hw3.data import binarize, DATA_PATH, file_sha256, load_binarized_mnist, load_mnist_arrays, MNIST_SHA256, canvas_to_mnist, strokes_to_canvas


def test_binarize_uint8_threshold_is_strictly_above_a_tenth():
    images = np.array([[0, 25, 26, 255] * 7] * 28, dtype=np.uint8)  # 25/255 < 0.1 < 26/255
    result = binarize(images)
    assert result.dtype == np.float32
    assert result.shape == (28, 28)
    np.testing.assert_array_equal(result[0, :4], [0.0, 0.0, 1.0, 1.0])


def test_binarize_float_and_uint8_agree_and_only_zeros_and_ones():
    rng = np.random.default_rng(1)
    raw = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    from_uint8 = binarize(raw)
    from_float = binarize(raw.astype(np.float32) / 255.0)
    np.testing.assert_array_equal(from_uint8, from_float)
    assert set(np.unique(from_uint8)) <= {0.0, 1.0}
    assert 0.5 < from_uint8.mean() < 1.0  # uniform pixels: about 90% are above 0.1


def test_binarize_exactly_at_threshold_is_zero():
    images = np.full((28, 28), 0.1, dtype=np.float32)
    assert binarize(images).sum() == 0.0


@pytest.mark.parametrize(
    "images, message",
    [
        (np.full((28, 28), -0.5, dtype=np.float32), r"\[0, 1\]"),
        (np.full((28, 28), 3.0, dtype=np.float32), r"scale 0..255"),
        (np.zeros((784,), dtype=np.uint8), r"\(28, 28\) or \(N, 28, 28\)"),
        (np.zeros((2, 3, 28, 28), dtype=np.uint8), r"got \(2, 3, 28, 28\)"),
        (np.zeros((28, 28), dtype=np.int32), r"dtype int32"),
    ],
)
def test_binarize_rejects_bad_input(images, message):
    with pytest.raises(ValueError, match=message):
        binarize(images)


def test_shipped_file_matches_published_checksum():
    assert file_sha256(DATA_PATH) == MNIST_SHA256


def test_splits_have_classic_sizes_and_known_first_labels(mnist):
    splits = mnist
    assert splits.sizes() == {"train": 55_000, "validation": 5_000, "test": 10_000}
    assert splits.x_train.shape == (55_000, 28, 28) and splits.x_train.dtype == np.float32
    assert list(splits.y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(splits.y_test[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    counts = np.bincount(np.concatenate([splits.y_train, splits.y_validation]), minlength=10)
    assert list(counts) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_truncated_file_raises_clear_error(tmp_path):
    broken = tmp_path / "mnist.npz"
    broken.write_bytes(DATA_PATH.read_bytes()[:100_000])
    with pytest.raises(ValueError, match="corrupt or truncated.*git checkout -- data/mnist.npz"):
        load_mnist_arrays(broken)
    with pytest.raises(ValueError, match="not a readable MNIST .npz.*git checkout -- data/mnist.npz"):
        load_mnist_arrays(broken, expected_sha256=None)


def test_file_with_wrong_arrays_raises(tmp_path):
    other = tmp_path / "other.npz"
    np.savez(other, x_train=np.zeros((3, 28, 28), np.uint8), y_train=np.zeros(3), x_test=np.zeros((1, 28, 28)),
             y_test=np.zeros(1))
    with pytest.raises(ValueError, match=r"x_train has shape \(3, 28, 28\), expected \(60000, 28, 28\)\..*"
                                         r"git checkout -- data/mnist.npz"):
        load_mnist_arrays(other, expected_sha256=None)


def test_missing_file_raises_with_the_remedy_and_downloads_nothing(tmp_path, monkeypatch):
    """No download fallback: a missing file is an error saying where it belongs and how to restore it."""
    def download():
        raise AssertionError("the loader must not download MNIST")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", download)
    for load in (load_mnist_arrays, load_binarized_mnist):
        with pytest.raises(FileNotFoundError, match=r"absent\.npz is missing\. The project ships MNIST as "
                                                    r"data/mnist\.npz.*`git checkout -- data/mnist\.npz`"):
            load(path=tmp_path / "absent.npz")
    with pytest.raises(FileNotFoundError, match="is missing"):
        load_mnist_arrays(tmp_path)  # a folder is no file either


def test_the_splits_carry_the_checksum_that_was_checked(tmp_path, mnist):
    """What a recipe records as the data's checksum is the digest of the file read, after the check."""
    arrays, sha256 = load_mnist_arrays()
    assert sha256 == file_sha256(DATA_PATH) == MNIST_SHA256 and set(arrays) == {"x_train", "y_train", "x_test", "y_test"}
    assert mnist.mnist_sha256 == MNIST_SHA256
    copy = tmp_path / "copy.npz"
    np.savez(copy, **arrays)  # the same arrays in another file: another digest, refused by the split loader
    assert load_mnist_arrays(copy, expected_sha256=None)[1] == file_sha256(copy) != MNIST_SHA256
    with pytest.raises(ValueError, match="corrupt or truncated"):
        load_binarized_mnist(path=copy)


def test_strokes_are_drawn_with_a_round_pen():
    canvas = strokes_to_canvas([[(100, 100)]], size=200, width=20)  # one dot
    assert canvas[100, 100] == 1.0 and canvas[100, 120] == 0.0 and canvas[100, 108] == 1.0
    line = strokes_to_canvas([[(20, 50), (180, 50)]], size=200, width=10)
    assert line[50, 20:180].min() == 1.0 and line[40, :].max() == 0.0 and line[50, 195] == 0.0


def test_a_drawing_off_centre_comes_out_centred_like_mnist():
    low_left = strokes_to_canvas([[(40, 160), (40, 260)]])  # a short vertical bar, low and to the left
    image = canvas_to_mnist(low_left)
    assert image.shape == (28, 28) and set(np.unique(image)) <= {0.0, 1.0}
    rows, columns = np.nonzero(image)
    assert rows.max() - rows.min() + 1 == 20, "the longer side is scaled to 20 pixels"
    assert abs(rows.mean() - 13.5) <= 0.5 and abs(columns.mean() - 13.5) <= 1.0, "centre of mass at the centre"
    moved = canvas_to_mnist(strokes_to_canvas([[(200, 20), (200, 120)]]))  # the same bar, high and to the right
    np.testing.assert_array_equal(moved, image)


def test_an_empty_or_malformed_canvas_gives_a_clear_message():
    with pytest.raises(ValueError, match="the canvas is empty: draw a digit first"):
        canvas_to_mnist(np.zeros((280, 280)))
    with pytest.raises(ValueError, match=r"one \(H, W\) array"):
        canvas_to_mnist(np.zeros((1, 280, 280)))


# --- Where the ink is, and accuracy ---------------------------------------------------------------

def image_with_ink(rows, size=28):
    image = np.zeros((size, 28), np.float32)
    for row in rows:  # rows counted 1..size
        image[row - 1, 10] = 1.0
    return image


def test_last_and_first_ink_rows_count_rows_from_1_and_give_0_for_a_blank_image():
    from hw3.data import first_ink_rows, last_ink_rows

    images = np.stack([image_with_ink([3, 10]), np.zeros((28, 28), np.float32), image_with_ink([1, 28]), image_with_ink([5])])
    assert last_ink_rows(images).tolist() == [10, 0, 28, 5]
    assert first_ink_rows(images).tolist() == [3, 0, 1, 5]


def test_ink_rows_accept_sequences_of_any_length():
    from hw3.data import first_ink_rows, last_ink_rows, rows_with_ink

    images = np.stack([image_with_ink([2, 4], size=6), image_with_ink([6], size=6)])  # (2, 6, 28)
    assert rows_with_ink(images).tolist() == [[False, True, False, True, False, False], [False] * 5 + [True]]
    assert last_ink_rows(images).tolist() == [4, 6]
    assert first_ink_rows(images).tolist() == [2, 6]
    with pytest.raises(ValueError, match="keep the batch axis|Keep the batch axis"):
        last_ink_rows(images[0])


def test_accuracy_takes_class_scores_or_class_indices():
    from hw3.data import accuracy

    labels = np.array([2, 0, 1, 1])
    scores = np.eye(3)[[2, 1, 1, 0]].astype(np.float32)  # right, wrong, right, wrong
    assert accuracy(scores, labels) == 0.5
    assert accuracy(np.array([2, 0, 0, 0]), labels) == 0.5  # integer predictions are used as they are
    per_step = np.stack([np.eye(3)[[2, 0, 1, 1]], np.eye(3)[[0, 0, 0, 0]], scores], axis=1)  # (4, 3 steps, 3)
    assert accuracy(per_step, labels).tolist() == [1.0, 0.25, 0.5]
    with pytest.raises(ValueError, match="one prediction"):
        accuracy(scores[:3], labels)
