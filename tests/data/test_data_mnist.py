"""IDX parsing and MNIST splits, on synthetic IDX files served from a test mirror."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.data import DataLayoutError, Registry, load_mnist, read_idx, split_indices


@pytest.mark.parametrize("compress", [True, False])
def test_read_idx_roundtrip(tmp_path, build, compress):
    images, labels = build.mnist_arrays(5)
    images[3, 27, 27] = 255
    img = build.write(tmp_path, "img.idx", build.idx_bytes(images, compress=compress))
    lab = build.write(tmp_path, "lab.idx", build.idx_bytes(labels, compress=compress))
    got = read_idx(img, expected_magic=0x803)
    assert got.dtype == np.uint8 and got.shape == (5, 28, 28)
    np.testing.assert_array_equal(got, images)
    np.testing.assert_array_equal(read_idx(lab, expected_magic=0x801), labels)


def test_bad_magic_number(tmp_path, build):
    bad = build.write(tmp_path, "bad.gz", build.idx_bytes(np.zeros(3), magic_type=0x0D))
    with pytest.raises(DataLayoutError, match=r"bad.gz: bad IDX magic number 0x00000d01"):
        read_idx(bad)


def test_labels_file_where_images_expected(tmp_path, build):
    labels = build.write(tmp_path, "labels.gz", build.idx_bytes(np.zeros(3)))
    with pytest.raises(DataLayoutError, match="0x00000801, expected 0x00000803"):
        read_idx(labels, expected_magic=0x803)


def test_truncated_data_is_an_error(tmp_path, build):
    raw = build.idx_bytes(np.zeros((4, 28, 28)), compress=False)[:-10]
    path = build.write(tmp_path, "short.idx", raw)
    with pytest.raises(DataLayoutError, match=r"shape \(4, 28, 28\).*file has 3126"):
        read_idx(path)


def test_damaged_gzip_is_an_error(tmp_path, build):
    path = build.write(tmp_path, "broken.gz", build.idx_bytes(np.zeros(50))[:20])
    with pytest.raises(DataLayoutError, match=r"broken\.gz: could not decompress"):
        read_idx(path)


def test_split_indices_procedure():
    test, val, train = split_indices(100, (0.2, 0.1), seed=3)
    perm = np.random.default_rng(3).permutation(100)
    np.testing.assert_array_equal(test, np.sort(perm[:20]))
    np.testing.assert_array_equal(val, np.sort(perm[20:30]))
    np.testing.assert_array_equal(train, np.sort(perm[30:]))
    with pytest.raises(ValueError, match="fractions"):
        split_indices(10, (0.6, 0.5), seed=0)


@pytest.fixture
def mnist_mirror(tmp_path, monkeypatch, use_registry, build, dead_url):
    """A mirror with synthetic MNIST files of the real sizes (10k test, 60k train)."""
    mirror = tmp_path / "mirror"
    entries = []
    for stem, n in (("t10k", 10_000), ("train", 60_000)):
        images, labels = build.mnist_arrays(n)
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            rel = f"mnist/{stem}-{kind}-ubyte.gz"
            data = build.idx_bytes(array)
            build.write(mirror, rel, data)
            entries.append(build.entry("mnist-full", rel, data, dead_url))
            if stem == "t10k":
                entries.append(build.entry("mnist-test10k", rel, data, dead_url))
    use_registry(Registry(entries))
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    return mirror


def check_pairs(build, images, labels):
    assert images.dtype == np.uint8 and labels.dtype == np.int64
    assert images.shape == (len(labels), 28, 28)
    np.testing.assert_array_equal(build.decode_index(images) % 10, labels)


def test_test10k_split_sizes_pairs_and_determinism(mnist_mirror, build):
    m = load_mnist()
    assert m.source == "mnist-test10k"
    assert (len(m.train_labels), len(m.val_labels), len(m.test_labels)) == (7000, 1000, 2000)
    for images, labels in ((m.train_images, m.train_labels), (m.val_images, m.val_labels),
                           (m.test_images, m.test_labels)):
        check_pairs(build, images, labels)
    ids = [build.decode_index(x) for x in (m.train_images, m.val_images, m.test_images)]
    np.testing.assert_array_equal(np.sort(np.concatenate(ids)), np.arange(10_000))
    # the documented procedure: test first, then validation, from one seeded permutation
    perm = np.random.default_rng(0).permutation(10_000)
    np.testing.assert_array_equal(ids[2], np.sort(perm[:2000]))

    again = load_mnist(seed=0)
    np.testing.assert_array_equal(again.val_images, m.val_images)
    other = load_mnist(seed=1)
    assert not np.array_equal(build.decode_index(other.val_images), ids[1])
    custom = load_mnist(val_fraction=0.25, test_fraction=0.25)
    assert (len(custom.train_labels), len(custom.val_labels), len(custom.test_labels)) == (
        5000, 2500, 2500)
    assert "train=7000" in repr(m)


def test_full_uses_official_test_set(mnist_mirror, build):
    m = load_mnist("full", val_fraction=0.1, seed=0)
    assert m.source == "mnist-full"
    assert (len(m.train_labels), len(m.val_labels), len(m.test_labels)) == (54_000, 6000, 10_000)
    np.testing.assert_array_equal(build.decode_index(m.test_images), np.arange(10_000))
    check_pairs(build, m.train_images, m.train_labels)
    with pytest.raises(ValueError, match="test_fraction"):
        load_mnist("full", test_fraction=0.2)


def test_wrong_image_count_is_reported(tmp_path, monkeypatch, use_registry, build, dead_url):
    mirror = tmp_path / "mirror"
    images, labels = build.mnist_arrays(100)
    entries = []
    for rel, array in (("mnist/t10k-images-idx3-ubyte.gz", images),
                       ("mnist/t10k-labels-idx1-ubyte.gz", labels)):
        data = build.idx_bytes(array)
        build.write(mirror, rel, data)
        entries.append(build.entry("mnist-test10k", rel, data, dead_url))
    use_registry(Registry(entries))
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    with pytest.raises(DataLayoutError, match=r"images of shape \(100, 28, 28\), expected "
                                              r"\(10000, 28, 28\)"):
        load_mnist()


def test_unknown_source():
    with pytest.raises(ValueError, match="'test10k' or 'full'"):
        load_mnist("fashion")
