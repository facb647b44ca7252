"""The book's plot style, the loss-curve figure and the validation curves of a comparison."""

import matplotlib.pyplot as plt  # conftest.py selects the Agg backend
import numpy as np
import pytest
from matplotlib.colors import to_hex

from helpers.plotting import plot_loss_curves, plot_validation_curves, use_book_style
from helpers.training import History


def test_a_history_draws_both_curves_and_marks_the_best_epoch():
    use_book_style()
    history = History(train_loss=[3.0, 2.0, 1.5], val_loss=[3.1, 2.2, 2.4], best_epoch=2,
                      max_epochs=5)
    ax = plot_loss_curves(history)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["train", "validation", "best epoch (2)"]
    plt.close(ax.figure)


def test_named_curves_without_a_best_epoch():
    ax = plot_loss_curves({"a": [1.0, 0.5]}, log_y=True)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 1
    plt.close(ax.figure)


def seed_history(length, best, scale=1.0):
    losses = list(scale * (1.0 + 0.5 ** np.arange(length)))
    return History(train_loss=losses, val_loss=losses, best_epoch=best, max_epochs=50)


def test_validation_curves_draw_one_colour_per_family_and_one_thin_line_per_seed():
    use_book_style()
    families = {"LSTM": [seed_history(12, 9), seed_history(15, 11), seed_history(8, 8)],
                "GRU": [seed_history(20, 17, scale=2.0), seed_history(14, 4, scale=2.0)]}
    ax = plot_validation_curves(families)
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) > 1]
    dots = [line for line in ax.get_lines() if len(line.get_xdata()) == 1]
    assert len(curves) == len(dots) == 5
    assert all(line.get_marker() in ("None", "", None) for line in curves)  # no markers
    colours = [to_hex(line.get_color()) for line in curves]
    assert len(set(colours[:3])) == len(set(colours[3:])) == 1 and colours[0] != colours[3]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in dots][1] == (
        11, families["LSTM"][1].best_val_loss)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["LSTM", "GRU"]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "validation loss"
    ax.figure.canvas.draw()
    assert all(float(tick).is_integer() for tick in ax.get_xticks())
    plt.close(ax.figure)


def test_validation_curves_without_dots_on_given_axes_and_without_val_data():
    _, given = plt.subplots()
    ax = plot_validation_curves({"LSTM": [seed_history(5, 3)]}, given, mark_best=False)
    assert ax is given and len(ax.get_lines()) == 1
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"train with fit\(..., val=\(X, y\)\)"):
        plot_validation_curves({"LSTM": [History(train_loss=[1.0, 0.5])]})


# --- a style for two screens ---------------------------------------------------------------

def test_the_book_style_keeps_every_text_readable_on_a_phone():
    from helpers import plotting

    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], label="model")
    ax.set(title="t", xlabel="x", ylabel="y")
    ax.legend(title="legend")
    fig.canvas.draw()
    width = fig.get_figwidth()
    assert width <= plotting.MAX_FIGURE_WIDTH
    smallest = plotting.smallest_text(fig)
    assert smallest["ticks"] == smallest["text"] == plotting.TEXT_PT
    # the proxy the browser check uses: points * phone column / figure width in points
    assert smallest["ticks"] * plotting.PHONE_COLUMN_PX / (72 * width) >= plotting.MIN_TEXT_PX
    assert width * plotting.FIGURE_DPI * 2 <= 1400  # the stored PNG stays under 1400 px
    plt.close(fig)


def test_axes_turned_off_have_no_tick_labels_to_measure():
    from helpers import plotting

    use_book_style()
    fig, ax = plt.subplots()
    ax.axis("off")  # a diagram: only its own text is drawn
    ax.text(0.5, 0.5, "label", fontsize=9)
    fig.canvas.draw()
    assert plotting.smallest_text(fig) == {"text": 9.0, "ticks": 0.0}
    plt.close(fig)


def test_a_default_figure_passes_the_browser_check_with_its_labels_sticking_out():
    import base64
    import io

    from PIL import Image

    from helpers import plotting

    use_book_style()
    fig, ax = plt.subplots()
    ax.plot([0, 1_000, 20_000], [0.001, 0.5, 123_456.0], label="validation loss")
    ax.set(xlabel="epoch", ylabel="validation loss", title="Validation loss per epoch")
    ax.legend(title="dots: best epoch")
    data, _ = plotting.figure_png(fig)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert image.width > fig.get_figwidth() * 2 * plotting.FIGURE_DPI  # the labels spill
    # what tests/browser/reading_checks.py computes for a 390-px phone
    shown = min(plotting.PHONE_COLUMN_PX, image.width / 2)
    pt = float(image.info[plotting.PNG_TICK_KEY])
    assert pt * image.info["dpi"][0] / 72 * shown / image.width >= plotting.MIN_TEXT_PX
    plt.close(fig)


def test_figure_png_records_the_smallest_text_for_the_browser_check():
    import base64
    import io

    from PIL import Image

    from helpers import plotting

    use_book_style()
    fig, ax = plt.subplots(figsize=plotting.book_figsize(3))
    ax.plot([0, 1])
    ax.tick_params(axis="y", labelsize=9)
    ax.annotate("note", (0.5, 0.5), fontsize=8)
    data, shape = plotting.figure_png(fig)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert image.info[plotting.PNG_TEXT_KEY] == "8" and image.info[plotting.PNG_TICK_KEY] == "9"
    assert round(image.info["dpi"][0]) == 2 * plotting.FIGURE_DPI
    assert shape == {"width": image.width // 2, "height": image.height // 2}
    image.load()  # the chunks keep the file valid (CRCs checked)
    plt.close(fig)
    empty = plt.figure()
    assert plotting.figure_png(empty) is None
    plt.close(empty)


def test_book_figsize_refuses_a_figure_too_wide_for_a_phone():
    from helpers.plotting import book_figsize

    assert book_figsize(5.5, width=7) == (7, 5.5)
    with pytest.raises(ValueError, match=r"width=11 inches: .*stack its panels vertically"):
        book_figsize(3, width=11)
