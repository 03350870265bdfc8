from __future__ import annotations

from pathlib import Path

import pytest
from sample_phone import Phone

from app_adapters.apps.contacts import ContactBook
from assistant_sdk.errors import ToolError


async def test_a_nickname_finds_the_contact_whatever_its_case(phone: Phone) -> None:
    result = await phone("get_contact", name="MOM")
    assert result["ambiguous"] is False
    assert result["contact"]["name"] == "Jane Doe"


async def test_an_ambiguous_first_name_returns_every_match_flagged(phone: Phone) -> None:
    result = await phone("get_contact", name="john")
    assert result["ambiguous"] is True
    assert {m["name"] for m in result["matches"]} == {"John Smith", "John Park"}
    assert "contact" not in result


async def test_a_phone_number_or_email_finds_its_contact(phone: Phone) -> None:
    assert (await phone("get_contact", name="+1 (555) 0103"))["contact"]["name"] == "Alex Kim"
    assert (await phone("get_contact", name="JPARK@example.com"))["contact"]["name"] == "John Park"


async def test_a_number_without_its_country_code_finds_the_contact(phone: Phone) -> None:
    assert (await phone("get_contact", name="555-0104"))["contact"]["name"] == "Sam Lee"


async def test_adding_a_contact_whose_name_exists_is_refused(phone: Phone) -> None:
    with pytest.raises(ToolError, match="already a contact"):
        await phone("add_contact", name="john smith", phone="555 0000")


async def test_search_matches_part_of_a_name_nickname_or_address(phone: Phone) -> None:
    assert [c["name"] for c in await phone("search_contacts", query="sm")] == ["John Smith"]
    assert [c["name"] for c in await phone("search_contacts", query="SIS")] == ["Sam Lee"]


async def test_an_added_contact_is_a_vcard_file_another_process_can_read(phone: Phone) -> None:
    await phone("add_contact", name="Maria Lopez", phone="555 0199", nickname="Mimi")
    card = next(p for p in (phone.data_dir / "contacts").glob("*.vcf") if "Maria" in p.read_text())
    assert "NICKNAME:Mimi" in card.read_text() and "VERSION:3.0" in card.read_text()
    found = await phone.reopen()("get_contact", name="mimi")
    assert found["contact"]["phone"] == "555 0199"


async def test_deleting_a_contact_removes_its_file(phone: Phone) -> None:
    await phone("delete_contact", name="sis")
    assert await phone("search_contacts", query="Sam") == []
    assert len(list((phone.data_dir / "contacts").glob("*.vcf"))) == 4


async def test_an_ambiguous_name_is_refused_by_tools_that_act(phone: Phone) -> None:
    with pytest.raises(ToolError, match="John Park or John Smith"):
        await phone("call_contact", name="John")


async def test_calling_a_contact_logs_the_call(phone: Phone) -> None:
    assert await phone("call_contact", name="boss") == {
        "calling": "Alex Kim",
        "number": "+1 555 0103",
    }
    assert '"Alex Kim"' in (phone.data_dir / "calls.json").read_text()


def test_vcard_4_files_with_uri_phone_numbers_are_read(tmp_path: Path) -> None:
    (tmp_path / "ann.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\nNICKNAME:Annie\r\n"
        "TEL;VALUE=uri;TYPE=cell:tel:+1-555-0111\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n"
    )
    (ann,) = ContactBook(tmp_path).resolve("annie")
    assert (ann.name, ann.phone, ann.email) == ("Ann Lee", "+1-555-0111", "ann@example.com")
