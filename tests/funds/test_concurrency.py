"""Payments racing on real PostgreSQL: the fund's chain grows one link at a time, and a project
is paid once."""

import pytest

from tests.concurrency import posts_at_once


def _ready(fund) -> tuple[str, dict]:
    project = fund.accepted(fund.started(fund.authorised_emergency()))
    body = {
        "amount_fen": 1_000_000,
        "paid_on": "2026-11-02",
        "payee": "安溪防水工程有限公司",
        "voucher_ids": [fund.voucher(project["id"])],
    }
    return fund.url(fund.project_url(project["id"], "/payments")), body


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_projects_paid_at_once_make_two_links_of_one_chain(app, auth, fund, fcast):
    fund.fund_in()
    (url1, body1), (url2, body2) = _ready(fund), _ready(fund)

    results = posts_at_once(app, auth, [(fcast.chair, url1, body1), (fcast.chair, url2, body2)])

    assert [code for code, _body in results] == [201, 201], results
    assert sorted(body["chain_seq"] for _code, body in results) == [3, 4]
    verified = fund.get(fcast.chair, "/fund/verify").json
    assert verified["ok"] is True and verified["links_checked"] == 4


@pytest.mark.committing("threads race, each on a connection of its own")
def test_the_same_project_paid_twice_at_once_is_paid_once(app, auth, fund, fcast):
    fund.fund_in()
    url, body = _ready(fund)
    second = {**body, "voucher_ids": [fund.voucher(int(url.split("/")[-2]))]}

    results = posts_at_once(app, auth, [(fcast.chair, url, body), (fcast.chair, url, second)])

    assert sorted(code for code, _body in results) == [201, 409], results
    assert fund.get(fcast.chair, "/fund/verify").json["links_checked"] == 3
