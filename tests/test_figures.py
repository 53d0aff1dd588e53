"""The house style: figures drawn in it pass its own check, and each broken rule is named."""

from __future__ import annotations

import matplotlib

from micrograd_notes.figures import (
    CLASS_COLOURS,
    DPI,
    label_axes,
    new_figure,
    slider_figure,
    style_problems,
    use_house_style,
)


def test_a_figure_in_the_house_style_has_no_problems() -> None:
    fig, ax = new_figure()
    ax.plot([0, 1], [0, 1], label="loss")
    ax.plot([0, 1], [1, 0], label="accuracy")
    ax.legend()
    label_axes(ax, "step", "value", title="two curves")
    assert fig.dpi >= DPI
    assert style_problems(fig) == []


def test_each_broken_rule_is_named() -> None:
    from matplotlib.figure import Figure

    fig = Figure(dpi=80)
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="train")
    ax.plot([0, 1], [1, 0], label="test")
    ax.set_title("tiny", fontsize=6)
    problems = style_problems(fig)
    assert any("80 dpi" in p for p in problems)
    assert any("'tiny' is 6 pt" in p for p in problems)
    assert any("no x-axis label" in p for p in problems)
    assert any("no y-axis label" in p for p in problems)
    assert any("no legend" in p for p in problems)


def test_a_figure_wider_than_a_notebook_column_is_named() -> None:
    wide, _ = new_figure(width=12.0)  # 1,440 px at 120 dpi: shown at about 64 % in a column
    fits, _ = new_figure(width=8.0)  # 960 px: shown at its size
    assert [p for p in style_problems(wide) if "12 in wide" in p] != []
    assert not any("wide" in p for p in style_problems(fits))
    fits.set_layout_engine("none")  # so nothing makes room for the note below
    fits.axes[0].text(1.05, 0.5, "a note right of the panel", transform=fits.axes[0].transAxes)
    assert any("wide" in p for p in style_problems(fits))  # it sticks out: the picture grows


def test_use_house_style_sets_the_defaults_and_the_class_colours() -> None:
    with matplotlib.rc_context():
        use_house_style()
        assert matplotlib.rcParams["figure.dpi"] >= DPI
        assert matplotlib.rcParams["xtick.labelsize"] >= 9
        colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
        assert colours[: len(CLASS_COLOURS)] == list(CLASS_COLOURS)


def test_a_slider_figure_is_a_plain_picture_that_the_slider_redraws(monkeypatch) -> None:
    import IPython.display
    import ipywidgets

    shown: list[tuple[str, object]] = []

    class Handle:
        def update(self, obj: object) -> None:
            shown.append(("update", obj))

    def display(obj: object, display_id: bool = False) -> Handle | None:
        shown.append(("display", obj))
        return Handle() if display_id else None

    monkeypatch.setattr(IPython.display, "display", display)
    drawn: list[float] = []

    def draw(lr: float):
        drawn.append(lr)
        fig, ax = new_figure()
        ax.plot([0, 1], [0, lr])
        return fig

    slider = ipywidgets.FloatSlider(value=0.2, min=0.0, max=1.0)
    first = slider_figure(draw, slider)
    assert drawn == [0.2] and shown == [("display", first), ("display", slider)]
    slider.value = 0.7  # as a learner's drag would
    assert drawn == [0.2, 0.7]
    assert shown[-1][0] == "update" and shown[-1][1] is not first
    assert not any(isinstance(obj, ipywidgets.Output) for _, obj in shown)
