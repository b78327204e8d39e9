"""《用户服务协议》 and 《个人信息保护说明》 (issue 20): real public pages in both languages, linked where
users agree to them (both registration forms) and from every page's footer."""

from __future__ import annotations

from collections.abc import Iterator
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def test_privacy_notice_says_what_is_collected_who_sees_it_retention_and_deletion(app: Flask) -> None:
    html = _page(app.test_client(), "/privacy")
    for topic in ["我们收集的信息", "谁能看到", "保存期限", "查阅、复制和删除", "联系我们"]:
        assert topic in html, topic
    # the bureau sharing of name and results (only with the company's agreement) and the provider consent
    assert "同意共享" in html and "本企业名称、评估等级" in html and "随时在“企业信息”中撤回" in html
    assert "授权" in html and "最长一年" in html
    # deletion as portal/data/pipl.py does it, with its legal basis
    assert "第四十七条" in html and "佐证材料、PDF 报告和文字回答" in html and "匿名" in html


def test_terms_cover_the_service_accounts_and_commitments(app: Flask) -> None:
    html = _page(app.test_client(), "/terms")
    assert "<h1>用户服务协议</h1>" in html
    for topic in ["服务内容", "账号", "真实性承诺", "报告与核验", "适用法律"]:
        assert topic in html, topic
    assert 'href="/privacy"' in html and 'href="/verify"' in html


@pytest.mark.parametrize("path", ["/terms", "/privacy"])
def test_english_pages_are_english(app: Flask, path: str) -> None:
    client = app.test_client()
    client.post("/lang/en", data={"next": "/"})
    html = _page(client, path)
    assert (
        "User Service Agreement" if path == "/terms" else "Personal Information Protection Notice"
    ) in html
    assert "Article 47" in html or "Governing law" in html
    assert "我们收集的信息" not in html and "服务内容" not in html


@pytest.fixture
def contact(app: Flask) -> Iterator[str]:
    app.config["PRIVACY_CONTACT"] = "privacy@example.cn"
    yield "privacy@example.cn"
    app.config["PRIVACY_CONTACT"] = None


def test_the_contact_address_is_shown_when_configured(app: Flask, contact: str) -> None:
    html = _page(app.test_client(), "/privacy")
    assert f'href="mailto:{contact}"' in html


def test_linked_where_users_agree_and_from_the_footer(app: Flask) -> None:
    client = app.test_client()
    for path in ["/register", "/register/provider"]:
        html = _page(client, path)
        agree = html.split("注册前请阅读", 1)[1].split("我已阅读并同意", 1)[0]
        assert 'href="/terms"' in agree and 'href="/privacy"' in agree, path
    footer = _page(client, "/").split('class="footer"', 1)[1]
    assert 'href="/terms"' in footer and 'href="/privacy"' in footer and 'href="/verify"' in footer
