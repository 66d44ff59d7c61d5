from klyngekart.core.charts import bar_chart


def chart(**kwargs):  # type: ignore[no-untyped-def]
    rows = [{"label": "Vestland", "count": 28}, {"label": "Oslo", "count": 1}]
    return bar_chart(
        rows, category="label", value="count", category_title="County", value_title="Members", **kwargs
    )


def test_the_count_axis_has_few_whole_number_ticks_that_never_overlap():
    axis = chart()["encoding"]["x"]["axis"]
    assert axis["format"] == "d" and axis["tickMinStep"] == 1
    assert axis["tickCount"] <= 5
    # Flush end labels are pushed inwards onto their neighbours ("26 28").
    assert axis["labelFlush"] is False
    assert axis["labelOverlap"]


def test_a_vertical_chart_puts_the_counts_on_the_y_axis_and_fills_its_panel():
    spec = chart(horizontal=False)
    assert spec["encoding"]["y"]["field"] == "count"
    assert spec["encoding"]["y"]["axis"]["labelFlush"] is False
    assert spec["width"] == "container"
