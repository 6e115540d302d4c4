"""GeoReport v2 conformance of discovery, the service list and service definitions, in XML and JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sambat_tui.central.open311.services import MAX_KEYWORDS, service_keywords
from sambat_tui.domain.routing_rules import RoutingRule
from tests.central.open311_support import (
    ATTRIBUTE_FIELDS,
    BASE,
    DATATYPES,
    SERVICE_FIELDS,
    W3C,
    assert_json_errors,
    assert_xml_errors,
    children,
    json_of,
    text,
    xml_of,
)
from tests.central.support import Api


def test_discovery_in_xml_has_the_required_fields(api: Api) -> None:
    response = api.client.get(f"{BASE}/discovery.xml")
    assert response.status_code == 200
    root = xml_of(response)
    assert root.tag == "discovery"
    assert children(root) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = root.find("endpoints") or []
    assert endpoint.tag == "endpoint"
    assert children(endpoint) == ["specification", "url", "changeset", "type", "formats"]
    assert text(endpoint, "specification") == "http://wiki.open311.org/GeoReport_v2"
    assert text(endpoint, "url").endswith("/open311/v2")
    assert text(endpoint, "type") == "production"
    formats = endpoint.find("formats")
    assert formats is not None and [f.tag for f in formats] == ["format", "format"]
    assert {f.text for f in formats} == {"text/xml", "application/json"}
    assert re.fullmatch(W3C, text(root, "changeset"))


def test_discovery_in_json_is_the_same_tree(api: Api) -> None:
    body = json_of(api.client.get(f"{BASE}/discovery.json"))
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["url"] == "http://testserver/open311/v2"


def test_the_service_list_in_xml(api: Api) -> None:
    response = api.client.get(f"{BASE}/services.xml", params={"jurisdiction_id": "malangkota.go.id"})
    assert response.status_code == 200
    root = xml_of(response)
    assert root.tag == "services"
    services = list(root)
    assert len(services) == len(api.context.settings.reference.categories)
    for service in services:
        assert service.tag == "service"
        assert children(service) == list(SERVICE_FIELDS)
        assert text(service, "metadata") in ("true", "false")
        assert text(service, "type") == "realtime"
    pothole = next(s for s in services if text(s, "service_code") == "JALAN_RUSAK")
    assert text(pothole, "metadata") == "true"
    assert text(pothole, "service_name") == "Jalan berlubang / rusak"
    assert text(pothole, "group") == "infrastruktur"
    assert "hari kerja" in text(pothole, "description")


def test_the_service_list_in_json_has_the_spec_types(api: Api) -> None:
    body = json_of(api.client.get(f"{BASE}/services.json"))
    assert isinstance(body, list)
    for service in body:
        assert list(service) == list(SERVICE_FIELDS)
        assert isinstance(service["service_code"], str)
        assert isinstance(service["metadata"], bool)
        assert isinstance(service["keywords"], str)
    metadata = {s["service_code"]: s["metadata"] for s in body}
    assert metadata["JALAN_RUSAK"] and metadata["AIR_PDAM"] and not metadata["PPDB"]


def test_a_format_less_path_answers_xml(api: Api) -> None:
    assert xml_of(api.client.get(f"{BASE}/services")).tag == "services"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_service_definition_lists_its_attributes(api: Api, fmt: str) -> None:
    response = api.client.get(f"{BASE}/services/JALAN_RUSAK.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        body = json_of(response)
        assert list(body) == ["service_code", "attributes"]
        assert body["service_code"] == "JALAN_RUSAK"
        first = body["attributes"][0]
        assert list(first) == list(ATTRIBUTE_FIELDS)
        assert first["code"] == "ukuran_lubang" and first["datatype"] == "singlevaluelist"
        assert first["required"] is True and first["variable"] is True and first["order"] == 1
        assert all(isinstance(v["key"], str) and isinstance(v["name"], str) for v in first["values"])
        assert [v["key"] for v in first["values"]] == ["kecil", "sedang", "besar"]
        return
    root = xml_of(response)
    assert root.tag == "service_definition"
    assert children(root) == ["service_code", "attributes"]
    attributes = root.find("attributes")
    assert attributes is not None and attributes
    for attribute in attributes:
        assert attribute.tag == "attribute"
        assert children(attribute) == list(ATTRIBUTE_FIELDS)
        assert text(attribute, "datatype") in DATATYPES
        assert text(attribute, "required") in ("true", "false")
        for value in attribute.find("values") or []:
            assert value.tag == "value" and children(value) == ["key", "name"]


def test_the_pdam_customer_number_is_a_string_attribute(api: Api) -> None:
    body = json_of(api.client.get(f"{BASE}/services/AIR_PDAM.json"))
    number = next(a for a in body["attributes"] if a["code"] == "nomor_pelanggan")
    assert number["datatype"] == "string" and number["required"] is False and number["values"] == []


def test_a_service_without_attributes_has_an_empty_definition(api: Api) -> None:
    body = json_of(api.client.get(f"{BASE}/services/PPDB.json"))
    assert body == {"service_code": "PPDB", "attributes": []}


def test_an_unknown_service_is_a_404_in_both_formats(api: Api) -> None:
    assert_xml_errors(api.client.get(f"{BASE}/services/NOPE.xml"), 404)
    assert_json_errors(api.client.get(f"{BASE}/services/NOPE.json"), 404)


def test_an_unknown_format_is_a_400_in_xml(api: Api) -> None:
    [message] = assert_xml_errors(api.client.get(f"{BASE}/services.yaml"), 400)
    assert ".xml" in message and ".json" in message


def test_an_unknown_resource_is_a_404_in_the_format_asked(api: Api) -> None:
    assert_json_errors(api.client.get(f"{BASE}/potholes.json"), 404)
    assert_xml_errors(api.client.get(f"{BASE}/potholes.xml"), 404)


def test_a_method_a_resource_lacks_is_a_405_with_allow(api: Api) -> None:
    response = api.client.put(f"{BASE}/requests.json")
    assert_json_errors(response, 405)
    assert response.headers["allow"] == "GET, HEAD, POST"
    response = api.client.delete(f"{BASE}/services.xml")
    assert_xml_errors(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


def test_answers_may_be_cached_briefly_and_read_by_any_page(api: Api) -> None:
    response = api.client.get(f"{BASE}/services.json")
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=300"


def test_keywords_come_from_the_routing_rules_in_both_formats(api: Api) -> None:
    """The spec's keywords (synonyms that help a user pick a service): the leading words of the category's
    routing rules, since the categories table has none."""
    services = json_of(api.client.get(f"{BASE}/services.json"))
    keywords = {s["service_code"]: s["keywords"].split(", ") for s in services}
    assert all(keywords.values()), [code for code, words in keywords.items() if not words]
    assert keywords["JALAN_RUSAK"][:3] == ["jalan rusak", "jalan berlubang", "jalan hancur"]
    # Two rules of the same category take turns, the more specific (higher priority) first.
    assert keywords["ADMINDUK"][:2] == ["akta", "ktp"]
    # A category whose only rule needs two words together lists both kinds.
    assert {"sekolah", "atap bocor"} <= set(keywords["SARPRAS_SEKOLAH"])
    assert all(1 <= len(words) <= MAX_KEYWORDS for words in keywords.values())
    xml = {
        text(s, "service_code"): text(s, "keywords") for s in xml_of(api.client.get(f"{BASE}/services.xml"))
    }
    assert xml == {s["service_code"]: s["keywords"] for s in services}


def _rule(rule_id: str, priority: int, category: str | None, *words: str, **more: Any) -> RoutingRule:
    return RoutingRule(rule_id, priority, "dlh", category_code=category, keywords_any=words, **more)


def test_keywords_take_turns_over_rules_by_priority_without_repeats() -> None:
    rules = [
        _rule("b", 50, "SAMPAH", "sampah", "tumpukan sampah", "bau"),
        _rule("a", 60, "SAMPAH", "tps", "sampah", "tps penuh"),
        _rule("other", 90, "POHON", "pohon"),
        _rule("c", 70, "SAMPAH", "kata, berkoma"),
        _rule("only-both", 80, "SAMPAH", "rusak", keywords_all=(("kontainer", "bak"),)),
    ]
    assert service_keywords(rules, "SAMPAH") == ("tps", "sampah", "tumpukan sampah", "tps penuh", "bau")
    assert service_keywords(rules, "POHON") == ("pohon",)
    assert service_keywords(rules, "NONE") == ()
    fallback = [_rule("both", 50, "SEKOLAH", "rusak", "atap", keywords_all=(("sekolah", "sd"), ("kelas",)))]
    assert service_keywords(fallback, "SEKOLAH") == ("sekolah", "kelas", "rusak", "atap")
    many = [_rule("many", 50, "X", *(f"kata{n}" for n in range(20)))]
    assert len(service_keywords(many, "X")) == MAX_KEYWORDS
