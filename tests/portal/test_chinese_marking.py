"""Chinese data in English pages is marked `lang="zh-CN"`: a Chinese name as a whole, and in an English
sentence that quotes a Chinese term only the Chinese runs (the English stays English for screen readers)."""

from __future__ import annotations

from portal.templating import zh_data


def test_a_chinese_name_is_marked_as_a_whole() -> None:
    assert zh_data("揭阳市宏达五金制品有限公司") == '<span lang="zh-CN">揭阳市宏达五金制品有限公司</span>'


def test_english_text_marks_only_the_chinese_it_quotes() -> None:
    marked = zh_data("The 专精特新 recognition under 《中小企业数字化水平评测指标（2024年版）》, level 2")
    assert marked == (
        'The <span lang="zh-CN">专精特新</span> recognition under '
        '<span lang="zh-CN">《中小企业数字化水平评测指标（2024年版）》</span>, level 2'
    )


def test_other_text_is_only_escaped() -> None:
    assert zh_data("Jieyang <b>") == "Jieyang &lt;b&gt;" and zh_data(None) == ""
