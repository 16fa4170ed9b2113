"""The certificate register: numbering, public verification, reissue (补发) and revocation."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.api_client import ApiClient
from tests.background_support import advance, fire_due
from tests.e2e import certification_steps as steps
from workflows.certification.register import parse_number
from workflows.core.clock import FrozenClock


@pytest.fixture()
def cert_api(api: ApiClient, frozen_clock: FrozenClock) -> ApiClient:
    steps.deploy_certification(api)
    return api


def request_reissue(api: ApiClient, number: str, *, user: str = "liuyang") -> dict[str, Any]:
    response = api.start("certification_reissue", as_=user, certificate_no=number,
                         loss_statement="宿舍搬迁时遗失，已登报声明",
                         documents=steps.documents(api, user, "身份证.png"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def request_revocation(api: ApiClient, number: str, *, defence: bool = True) -> dict[str, Any]:
    """韩督导 (质量监督小组) proposes; the holder 刘洋 answers (陈述申辩) unless told not to."""
    response = api.start("certification_revocation", as_="han", certificate_no=number,
                         fraud_finding="经查工作年限证明系伪造",
                         evidence=steps.documents(api, "han", "调查报告.pdf"))
    assert response.status_code == 201, response.get_json()
    filed = response.get_json()
    if defence and "state_defence" in [t["task_name"] for t in filed["open_tasks"]]:
        return steps.do(api, filed["id"], "state_defence", "liuyang",
                        defence_statement="工作年限证明由原单位出具，请核实")
    return filed


def test_numbers_follow_the_rule_and_count_per_level(cert_api: ApiClient,
                                                     frozen_clock: FrozenClock) -> None:
    first = steps.certify(cert_api, frozen_clock, "liuyang")["data"]["certificate_no"]
    second = steps.certify(cert_api, frozen_clock, "chenjing")["data"]["certificate_no"]
    assert parse_number(first) == {"issuer": "CF3201", "year": 2026, "level": 5, "sequence": 1}
    assert parse_number(second)["sequence"] == 2
    listed = cert_api.get("/api/v1/certificates", as_="cao",
                          query_string={"level": 5}).get_json()
    assert [c["certificate_no"] for c in listed["items"]] == [second, first]
    assert listed["items"][0]["id_number"].startswith("3201") and "*" in listed["items"][0][
        "id_number"]


def test_public_verification_answers_without_sign_in_and_without_personal_data(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    number = steps.certify(cert_api, frozen_clock)["data"]["certificate_no"]
    valid = steps.verify(cert_api, number, "刘洋")
    assert (valid["match"], valid["valid"], valid["status"]) == (True, True, "valid")
    assert valid["occupation"] == "电工" and valid["level_name"] == "五级/初级工"
    assert not {"id_number", "scores", "holder_user_id", "business_key"} & set(valid)
    assert steps.verify(cert_api, number.lower(), " 刘 洋 ")["match"] is True
    wrong_name = steps.verify(cert_api, number, "刘阳")
    unknown = steps.verify(cert_api, number[:-1] + ("9" if number[-1] != "9" else "8"), "刘洋")
    garbage = steps.verify(cert_api, "NOT-A-NUMBER", "刘洋")
    for answer in (wrong_name, unknown, garbage):
        assert {k: v for k, v in answer.items() if k != "certificate_no"} == {
            "match": False, "valid": False, "status": None,
            "message": "未查到与该证书编号和姓名相符的证书"}
    assert cert_api.client.get("/api/v1/certificates/verify").status_code == 422
    nul = cert_api.client.get("/api/v1/certificates/verify",
                              query_string={"certificate_no": number, "holder_name": "刘\x00洋"})
    assert nul.status_code == 422  # PostgreSQL cannot compare such text: refused up front


def test_reissue_after_identity_check_links_the_new_certificate_to_the_old(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    old = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = request_reissue(api, old)
    registry = filed["data"]["registry"]
    assert (registry["found"], registry["status"]) == (True, "valid")
    assert filed["data"]["holder_name"] == "刘洋"
    # 曹证书 decides with the request's facts in front of him (summaryFields of the diagram).
    [card] = [t for t in api.inbox(as_="cao")["items"] if t["instance_id"] == filed["id"]]
    summary = {item["label"]: item["value"] for item in card["summary"]}
    assert summary["持证人"] == "刘洋" and old in summary.values()
    assert len(summary) == 4, summary
    done = steps.do(api, filed["id"], "verify_identity", "cao", identity_verified=True,
                    verification_note="核对身份证原件与登记信息一致")
    assert (done["status"], done["data"]["outcome"]) == ("completed", "reissued")
    new = done["data"]["new_certificate_no"]
    assert new != old and done["data"]["reissue"]["replaces"] == old
    old_answer = steps.verify(api, old, "刘洋")
    assert (old_answer["status"], old_answer["valid"], old_answer["replaced_by"]) == (
        "reissued", False, new)
    assert steps.verify(api, new, "刘洋")["valid"] is True
    detail = api.get(f"/api/v1/certificates/{new}", as_="liuyang").get_json()  # the holder
    assert detail["replaces"] == old
    assert [e["kind"] for e in detail["events"]] == ["reissued"]
    old_detail = api.get(f"/api/v1/certificates/{old}", as_="cao").get_json()
    assert [e["kind"] for e in old_detail["events"]] == ["issued", "replaced"]


def test_reissue_refused_when_identity_check_fails(cert_api: ApiClient,
                                                   frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = request_reissue(api, number)
    done = steps.do(api, filed["id"], "verify_identity", "cao", identity_verified=False,
                    verification_note="身份证原件与登记照片不符")
    assert (done["data"]["outcome"], done["data"]["closed_reason"]) == (
        "identity_failed", "身份证原件与登记照片不符")
    assert steps.verify(api, number, "刘洋")["status"] == "valid"


def test_only_the_holder_files_a_reissue_and_the_form_is_no_lookup_oracle(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    answers = []
    for user, asked in (("chenjing", number), ("chenjing", "CF320120265999999"),
                        ("cao", number)):
        response = api.start("certification_reissue", as_=user, certificate_no=asked,
                             loss_statement="遗失", documents=steps.documents(api, user,
                                                                            "身份证.png"))
        assert response.status_code == 403, response.get_json()
        answers.append(response.get_json()["detail"].replace(asked, "<no>"))
    # Someone else's certificate and a number that does not exist get the same words.
    assert answers[0] == answers[1] == answers[2]
    assert "持证人本人" in answers[0]
    assert api.get("/api/v1/instances", as_="chenjing").get_json()["total"] == 0
    # The form asks for no 身份证号 at all: there is nothing to probe with.
    extra = api.start("certification_reissue", as_="liuyang", certificate_no=number,
                      loss_statement="遗失", id_number=steps.id_number(),
                      documents=steps.documents(api, "liuyang", "身份证.png"))
    assert extra.status_code == 422


def test_a_replaced_certificate_is_not_reissued_again_and_says_why_in_words(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    old = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    steps.do(api, request_reissue(api, old)["id"], "verify_identity", "cao",
             identity_verified=True, verification_note="一致")
    again = request_reissue(api, old)
    assert (again["status"], again["data"]["outcome"]) == ("completed", "refused")
    assert again["data"]["closed_reason"] == "证书已补发（原证书已失效）"


def test_revocation_on_proven_fraud(cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = request_revocation(api, number)
    done = steps.do(api, filed["id"], "approve_revocation", "xu", revocation_approved=True)
    assert (done["status"], done["data"]["outcome"]) == ("completed", "revoked")
    answer = steps.verify(api, number, "刘洋")
    assert (answer["match"], answer["valid"], answer["status"], answer["message"]) == (
        True, False, "revoked", "证书已撤销")
    entry = api.get(f"/api/v1/certificates/{number}", as_="han").get_json()
    assert entry["revoked_reason"] == "经查工作年限证明系伪造"
    again = request_revocation(api, number)  # nothing left to revoke
    assert again["data"]["outcome"] == "refused"


def test_revoking_a_reissued_certificate_revokes_its_whole_lineage(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    old = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = request_reissue(api, old)
    new = steps.do(api, filed["id"], "verify_identity", "cao", identity_verified=True,
                   verification_note="一致")["data"]["new_certificate_no"]
    revocation = request_revocation(api, old)
    done = steps.do(api, revocation["id"], "approve_revocation", "xu", revocation_approved=True)
    assert done["data"]["revoked_numbers"] == [old, new]
    assert steps.verify(api, new, "刘洋")["status"] == "revoked"


def test_revocation_not_approved_keeps_the_certificate(cert_api: ApiClient,
                                                       frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = request_revocation(api, number)
    task = steps.task(api, filed["id"], "approve_revocation")
    assert api.claim(task["id"], as_="xu").status_code == 200
    assert api.complete(task["id"], as_="xu", revocation_approved=False).status_code == 422
    done = api.complete(task["id"], as_="xu", revocation_approved=False,
                        revocation_comment="证据不足").get_json()
    assert done["data"]["outcome"] == "not_approved"
    assert steps.verify(api, number, "刘洋")["valid"] is True


def test_revocation_of_an_unknown_number_is_not_accepted(cert_api: ApiClient) -> None:
    filed = request_revocation(cert_api, "CF320120265999999")
    assert filed["data"]["outcome"] == "refused" and filed["open_tasks"] == []


def test_only_the_quality_group_proposes_a_revocation_and_the_holder_answers_first(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    other = steps.certify(api, frozen_clock, "chenjing")["data"]["certificate_no"]
    for user in ("chenjing", "liuyang", "xu", "cao"):  # a student, the holder, 领导小组, 证书
        response = api.start("certification_revocation", as_=user, certificate_no=other,
                             fraud_finding="举报", evidence=steps.documents(api, user,
                                                                          "调查报告.pdf"))
        assert response.status_code == 403, (user, response.get_json())
        assert "质量监督小组" in response.get_json()["detail"]
    filed = request_revocation(api, number, defence=False)
    assert [t["task_name"] for t in filed["open_tasks"]] == ["state_defence"]
    # The holder is told, with the finding and the window, and answers before any decision.
    told = api.get("/api/v1/notifications", as_="liuyang",
                   query_string={"instance_id": filed["id"]}).get_json()["items"]
    assert [n["subject"] for n in told] == [f"拟撤销证书告知：{number}"]
    assert "经查工作年限证明系伪造" in told[0]["body"] and "陈述申辩" in told[0]["body"]
    assert api.inbox(as_="xu")["items"] == []  # nothing to decide yet
    mine = [t for t in api.inbox(as_="liuyang")["items"] if t["instance_id"] == filed["id"]]
    assert [t["task_name"] for t in mine] == ["state_defence"]
    assert api.get(f"/api/v1/instances/{filed['id']}", as_="chenjing").status_code == 404
    steps.do(api, filed["id"], "state_defence", "liuyang",
             defence_statement="工作年限证明由原单位出具，请核实")
    [card] = [t for t in api.inbox(as_="xu")["items"] if t["instance_id"] == filed["id"]]
    summary = {item["label"]: item["value"] for item in card["summary"]}
    assert summary["持证人陈述申辩"] == "工作年限证明由原单位出具，请核实"


def test_a_holder_who_does_not_answer_in_time_is_decided_on_without(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    filed = request_revocation(api, number, defence=False)
    advance(api, frozen_clock, days=9)
    fire_due(api)
    assert steps.open_names(api, filed["id"]) == ["state_defence"]
    advance(api, frozen_clock, days=6)
    assert fire_due(api)["fired"] >= 1
    assert steps.open_names(api, filed["id"]) == ["approve_revocation"]
    [card] = [t for t in api.inbox(as_="xu")["items"] if t["instance_id"] == filed["id"]]
    summary = {item["label"]: item["value"] for item in card["summary"]}
    assert summary["申辩情况"] == "持证人期满未陈述申辩"


def test_who_may_read_the_register(cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock)["data"]["certificate_no"]
    assert api.get("/api/v1/certificates", as_="liuyang").get_json()["total"] == 1  # own
    assert api.get("/api/v1/certificates", as_="chenjing").get_json()["total"] == 0
    assert api.get(f"/api/v1/certificates/{number}", as_="chenjing").status_code == 404
    assert api.get(f"/api/v1/certificates/{number}", as_="auditor").status_code == 200
    assert api.get("/api/v1/certificates", as_=None).status_code == 401
    assert api.get("/api/v1/certificates/ABCDEFGHIJKLMNOPQ", as_="cao").status_code == 422


def test_the_register_is_searched_and_a_certificate_printed_with_its_check_code(
        cert_api: ApiClient, frozen_clock: FrozenClock) -> None:
    api = cert_api
    number = steps.certify(api, frozen_clock, "liuyang")["data"]["certificate_no"]
    steps.certify(api, frozen_clock, "chenjing")
    by_name = api.get("/api/v1/certificates", as_="cao", query_string={"q": "洋"}).get_json()
    assert [c["certificate_no"] for c in by_name["items"]] == [number]
    by_number = api.get("/api/v1/certificates", as_="cao",
                        query_string={"q": number[:-1].lower()}).get_json()
    assert number in [c["certificate_no"] for c in by_number["items"]]
    assert api.get("/api/v1/certificates", as_="cao",
                   query_string={"q": "%"}).get_json()["total"] == 0  # no wildcards
    printed = api.get(f"/api/v1/certificates/{number}/pdf", as_="cao")
    assert printed.status_code == 200
    assert printed.mimetype == "application/pdf"
    assert printed.data.startswith(b"%PDF-")
    assert f"certificate-{number}.pdf" in printed.headers["Content-Disposition"]
    # The QR code's link (and payload): the public check of this number and name, on this site.
    link = (f"http://localhost/certificates/verify?certificate_no={number}"
            f"&holder_name={quote('刘洋')}").encode()
    assert link in printed.data
    assert api.get(f"/api/v1/certificates/{number}/pdf", as_="liuyang").status_code == 200
    assert api.get(f"/api/v1/certificates/{number}/pdf", as_="chenjing").status_code == 404
