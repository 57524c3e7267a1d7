"""The public pages: home, catalog search, guide, print, versions, reform; in Chinese and English."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from oneseal.catalog import models as cm
from tests.factories import (
    DepartmentFactory,
    FeeFactory,
    MaterialFactory,
    ServiceItemFactory,
    TransferFactory,
    ZoneFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """Two zones, a transferred and a pending licensing item, a paid item with materials."""
    registration = ZoneFactory(code="QYKB", name="企业开办", name_en="Enterprise start-up")
    housing = ZoneFactory(code="BDC", name="不动产登记", name_en="Real estate registration")
    market = DepartmentFactory(code="SCJG", name="市场监督管理局", name_en="Market Regulation Bureau")
    licence = ServiceItemFactory(
        code="420683-XK-00001", name="营业执照核发", name_en="Business licence issuance", zone=registration,
        original_department=market, visits_required=0, online_depth=cm.OnlineDepth.FULLY_ONLINE,
    )
    MaterialFactory(item=licence, name="公司登记申请书", form=cm.MaterialForm.ELECTRONIC, licence_replaceable=True,
                    licence_type="居民身份证")
    FeeFactory(item=licence, name="执照工本费", amount_fen=1050)
    cm.SpecialProcedure.objects.create(item=licence, kind=cm.SpecialProcedureKind.EXPERT_REVIEW,
                                       max_working_days=15, stops_clock=True)
    TransferFactory(item=licence)
    deed = ServiceItemFactory(
        code="420683-QR-00002", name="不动产登记", name_en="Real estate registration", zone=housing,
        item_type=cm.ItemType.CONFIRMATION, visits_required=2, high_frequency=False,
    )
    TransferFactory(item=deed, status=cm.TransferStatus.PENDING)
    return {"licence": licence, "deed": deed, "registration": registration, "housing": housing, "market": market}


def _get(client, url, lang=None, **headers):
    if lang:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(url, **headers)


PAGES = [
    ("catalog:home", ()),
    ("catalog:item_list", ()),
    ("catalog:item_detail", ("420683-XK-00001",)),
    ("catalog:item_print", ("420683-XK-00001",)),
    ("catalog:item_versions", ("420683-XK-00001",)),
    ("catalog:reform", ()),
    ("accounts:login", ()),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_renders_in_chinese_by_default(client, catalog, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert 'id="main"' in html
    assert "/static/vendor/htmx/htmx.min.js" in html


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_renders_in_english_on_request(client, catalog, name, args):
    response = _get(client, reverse(name, args=args), lang="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Zaoyang Government Service Platform" in html


def test_language_cookie_selects_english(client, catalog):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("catalog:item_detail", args=["420683-XK-00001"])).content.decode()
    assert '<html lang="en">' in html
    assert "Business licence issuance" in html


def test_pages_load_nothing_from_other_servers(client, catalog):
    for name, args in PAGES:
        html = client.get(reverse(name, args=args)).content.decode()
        assert 'src="http' not in html and 'href="http' not in html.replace('href="http://testserver', "")


def test_home_shows_zones_with_counts_one_visit_items_and_figures(client, catalog):
    response = _get(client, reverse("catalog:home"), lang="en")
    html = response.content.decode()
    assert "Enterprise start-up" in html and "Real estate registration" in html
    assert "1 item" in html
    assert [row["count"] for row in response.context["zones"]] == [1, 1]
    assert list(response.context["one_visit_items"]) == [catalog["licence"]]
    assert response.context["stats"]["items"] == 2
    assert response.context["one_visit_percent"] == 50.0


def test_search_by_keyword_finds_the_item(client, catalog):
    response = client.get(reverse("catalog:item_list"), {"q": "营业执照"})
    assert list(response.context["page"].object_list) == [catalog["licence"]]
    assert "420683-XK-00001" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "codes"),
    [
        ({"zone": "BDC"}, ["420683-QR-00002"]),
        ({"department": "SCJG"}, ["420683-XK-00001"]),
        ({"type": "confirmation"}, ["420683-QR-00002"]),
        ({"online_depth": "4"}, ["420683-XK-00001"]),
        ({"visits": "2"}, ["420683-QR-00002"]),
        ({"high_frequency": "1"}, ["420683-XK-00001"]),
        ({"high_frequency": "0"}, ["420683-QR-00002"]),
        ({"one_visit": "1"}, ["420683-XK-00001"]),
        ({"one_visit": "0"}, ["420683-QR-00002"]),
        ({}, ["420683-QR-00002", "420683-XK-00001"]),
    ],
)
def test_each_filter_narrows_the_results(client, catalog, params, codes):
    response = client.get(reverse("catalog:item_list"), params)
    assert [item.code for item in response.context["page"].object_list] == codes


@pytest.mark.parametrize(
    "params",
    [
        {"online_depth": "9"}, {"online_depth": "abc"}, {"visits": "-1"}, {"type": "nonsense"},
        {"zone": "NOPE"}, {"department": "<script>"}, {"high_frequency": "maybe"}, {"page": "abc"},
        {"page": "-3"}, {"page": "99999"}, {"q": "x" * 500},
    ],
)
def test_bad_filter_values_do_not_crash(client, catalog, params):
    response = client.get(reverse("catalog:item_list"), params)
    assert response.status_code == 200


def test_an_unparsable_filter_is_ignored_with_a_message(client, catalog):
    response = _get(client, reverse("catalog:item_list") + "?online_depth=9&zone=BDC", lang="en")
    html = response.content.decode()
    assert "were ignored" in html and "Online depth" in html
    assert [item.code for item in response.context["page"].object_list] == ["420683-QR-00002"]


def test_paging_shows_twenty_per_page_and_links_keep_the_filters(client, catalog):
    ServiceItemFactory.create_batch(25, zone=catalog["registration"])
    response = client.get(reverse("catalog:item_list"), {"zone": "QYKB", "page": "2"})
    page = response.context["page"]
    assert page.paginator.count == 26 and page.number == 2 and len(page.object_list) == 6
    html = response.content.decode()
    assert 'href="?zone=QYKB&amp;page=1"' in html


def test_htmx_request_gets_only_the_results_partial(client, catalog):
    response = client.get(reverse("catalog:item_list"), {"zone": "QYKB"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<form" not in html
    assert "420683-XK-00001" in html and "420683-QR-00002" not in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client, catalog):
    response = client.get(reverse("catalog:item_list"), HTTP_HX_REQUEST="true",
                          HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_guide_page_discloses_every_element(client, catalog):
    response = _get(client, reverse("catalog:item_detail", args=["420683-XK-00001"]), lang="en")
    html = response.content.decode()
    for text in [
        "420683-XK-00001", "Business licence issuance", "Administrative licensing",
        "Zaoyang Administrative Approval Bureau", "Market Regulation Bureau", "Transferred",
        "《中华人民共和国行政许可法》第二十九条", "申请人符合法定条件。", "公司登记申请书", "Electronic",
        "居民身份证", "20 working days", "5 working days", "Expert review", "not counted in the time limit",
        "¥10.50", "《行政事业性收费标准》", "枣阳市政务服务大厅", "工作日 08:30-12:00", "0710-6222222", "12345",
        "Level 4: fully online", "Committed time", "Enterprise start-up", "Version 1",
        reverse("catalog:item_versions", args=["420683-XK-00001"]),
    ]:
        assert text in html, text


def test_guide_page_of_a_free_item_says_free_and_shows_pending_transfer(client, catalog):
    html = _get(client, reverse("catalog:item_detail", args=["420683-QR-00002"]), lang="en").content.decode()
    assert "Free of charge" in html
    assert "Pending" in html and "still handled by" in html


def test_unknown_item_is_404(client, catalog):
    for name in ["catalog:item_detail", "catalog:item_print", "catalog:item_versions"]:
        assert client.get(reverse(name, args=["NO-SUCH-ITEM"])).status_code == 404


def test_print_view_has_no_navigation(client, catalog):
    html = client.get(reverse("catalog:item_print", args=["420683-XK-00001"])).content.decode()
    assert "print.css" in html
    assert "site-nav" not in html
    assert "营业执照核发" in html


def test_versions_page_lists_versions_newest_first(client, catalog):
    item = catalog["licence"]
    published = timezone.make_aware(dt.datetime(2024, 3, 1, 9, 30))
    cm.ItemVersion.objects.create(item=item, number=1, snapshot={"legal_basis": "旧依据"},
                                  published_at=published, change_note="首次发布")
    cm.ItemVersion.objects.create(item=item, number=2, snapshot={"legal_basis": "新依据"},
                                  published_at=published + dt.timedelta(days=30), change_note="依据修订")
    response = client.get(reverse("catalog:item_versions", args=[item.code]))
    rows = response.context["rows"]
    assert [row["version"].number for row in rows] == [2, 1]
    html = response.content.decode()
    assert html.index("依据修订") < html.index("首次发布")
    assert "2024-03-01 09:30" in html  # shown in Asia/Shanghai local time
    assert [(c.field, c.old, c.new) for c in rows[0]["changes"]] == [("legal_basis", "旧依据", "新依据")]
    assert rows[1]["changes"] is None


def test_versions_page_shows_a_readable_diff_of_real_snapshots(client, catalog):
    from oneseal.catalog.snapshot import item_snapshot

    item = catalog["licence"]
    published = timezone.now()
    cm.ItemVersion.objects.create(item=item, number=1, snapshot=item_snapshot(item), published_at=published)
    item.legal_basis = "《中华人民共和国市场主体登记管理条例》"
    item.save()
    MaterialFactory(item=item, name="股东会决议")
    cm.ItemVersion.objects.create(item=item, number=2, snapshot=item_snapshot(item), published_at=published)
    html = _get(client, reverse("catalog:item_versions", args=[item.code]), lang="en").content.decode()
    assert "Changes from version 1 to version 2" in html
    assert "《中华人民共和国市场主体登记管理条例》" in html and "《中华人民共和国行政许可法》第二十九条" in html
    assert "股东会决议" in html and "kind-added" in html


def test_reform_page_embeds_chart_data_and_a_table(client, catalog):
    response = _get(client, reverse("catalog:reform"), lang="en")
    html = response.content.decode()
    assert 'id="reform-data"' in html
    assert "/static/oneseal/reform-charts.js" in html and "echarts" in html
    data = response.context["chart_data"]
    assert sum(data["transfer"]["transferred"]) == 1 and sum(data["transfer"]["pending"]) == 1
    assert data["one_visit"] == {"one_visit": 1, "other": 1, "labels": data["one_visit"]["labels"]}
    assert "<table" in html and "Market Regulation Bureau" in html


def test_pages_have_no_inline_scripts(client, catalog):
    import re

    for name, args in PAGES:
        html = client.get(reverse(name, args=args)).content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (name, tag)


def test_navigation_offers_sign_in_or_workbench_and_sign_out(client, catalog, django_user_model):
    html = client.get(reverse("catalog:home")).content.decode()
    assert reverse("accounts:login") in html and reverse("accounts:logout") not in html
    user = django_user_model.objects.create_user("clerk", password="correct-horse-battery")
    client.force_login(user)
    html = client.get(reverse("catalog:home")).content.decode()
    assert reverse("accounts:workbench") in html
    assert f'action="{reverse("accounts:logout")}" method="post"' in html


def test_language_switch_posts_to_set_language(client, catalog):
    html = client.get(reverse("catalog:home")).content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert ">English</button>" in html and ">简体中文</button>" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": "/items/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/items/").content.decode()


def test_login_page_shows_errors_and_keeps_next(client, catalog):
    response = _get(client, reverse("accounts:login") + "?next=/items/", lang="en")
    assert 'name="next" value="/items/"' in response.content.decode()
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong", "next": "/items/"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_unknown_page_uses_the_site_404(client, catalog, settings):
    settings.DEBUG = False
    response = _get(client, "/items/NO-SUCH-ITEM/", lang="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_pages_run_a_bounded_number_of_queries(client, catalog, django_assert_max_num_queries):
    ServiceItemFactory.create_batch(40, zone=catalog["registration"])
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:item_list"))
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:item_detail", args=["420683-XK-00001"]))
    with django_assert_max_num_queries(25):
        client.get(reverse("catalog:home"))


def test_pages_are_chinese_by_default_whatever_the_browser_asks(client, catalog):
    html = client.get("/items/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html


def test_the_language_switch_is_remembered(client, catalog):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/items/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
