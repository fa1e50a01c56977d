"""A team: who may do what (roles from the identity token or the settings), checked where the
change happens, every change on the audit log; uploaded files reachable from every app machine
through the database. Run against SQLite and a real PostgreSQL (`database` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Settings
from config.settings import AccessSettings
from database import LOCAL, Action, NotAllowed, Person, Role
from database.people import operator, person_from_claims
from tests.fakes import Upload

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo_reports"
READER = Person("r-sub", "Rita Reader", "rita@kingsmere.gov.uk", Role.READER)
EDITOR = Person("e-sub", "Ed Editor", "ed@kingsmere.gov.uk", Role.EDITOR)

pytestmark = pytest.mark.usefixtures("fake_embedder")


# -- roles -------------------------------------------------------------------------------------
def access(**given) -> AccessSettings:
    return Settings(**given).access


@pytest.mark.parametrize("claims, given, expected", [
    ({"sub": "1", "email": "a@x.gov.uk", "roles": ["editor"]}, {}, Role.EDITOR),
    ({"sub": "1", "email": "a@x.gov.uk", "roles": "reader admin"}, {}, Role.ADMIN),  # a string of roles; highest wins
    ({"sub": "1", "email": "a@x.gov.uk", "groups": ["Editor"]}, {"role_claim": "groups"}, Role.EDITOR),
    ({"sub": "1", "email": "a@x.gov.uk", "roles": ["editor"]}, {"role_claim": "groups"}, None),  # another claim
    ({"sub": "1", "email": "A@X.gov.uk"}, {"editors": "b@x.gov.uk, a@x.gov.uk"}, Role.EDITOR),  # case folded
    ({"sub": "1", "email": "a@x.gov.uk"}, {"readers": "@x.gov.uk", "admins": "b@x.gov.uk"}, Role.READER),
    ({"sub": "1", "email": "a@evil-x.gov.uk"}, {"readers": "@x.gov.uk"}, None),  # a domain is a whole domain
    ({"sub": "1", "email": "a@x.gov.uk"}, {"readers": "*"}, Role.READER),
    ({"sub": "1", "email": "a@x.gov.uk"}, {"editors": "*"}, None),  # "anyone" may only ever read
    ({"sub": "1", "email": "a@x.gov.uk", "email_verified": False}, {"editors": "a@x.gov.uk"}, None),
    ({"sub": "1", "email": "a@x.gov.uk", "roles": ["reader"]}, {"editors": "a@x.gov.uk"}, Role.EDITOR),
    ({"sub": "1", "email": "a@x.gov.uk", "roles": ["superuser"]}, {}, None),
])
def test_a_role_comes_from_the_token_or_the_settings(claims, given, expected):
    person = person_from_claims(claims, access(**given))
    assert person.role == expected and person.id == "1"


def test_the_lists_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CQC_EDITORS", "ed@kingsmere.gov.uk; al@kingsmere.gov.uk\n@eastholm.gov.uk")
    monkeypatch.setenv("CQC_SIGN_IN", "true")
    monkeypatch.setenv("CQC_ROLE_CLAIM", "groups")
    settings = Settings()
    assert settings.access.editors == ["ed@kingsmere.gov.uk", "al@kingsmere.gov.uk", "@eastholm.gov.uk"]
    assert settings.access.sign_in and settings.access.role_claim == "groups" and settings.access.readers == []


def test_what_each_role_may_do():
    assert [a for a in Action if READER.may(a)] == [Action.ASK, Action.EXPORT]
    assert [a for a in Action if EDITOR.may(a)] == [a for a in Action if a is not Action.EXPORT_FEEDBACK]
    assert all(LOCAL.may(a) for a in Action) and all(operator("ops").may(a) for a in Action)
    nobody = Person("n", "No Role", "n@x.gov.uk", None)
    assert not any(nobody.may(a) for a in Action)
    with pytest.raises(NotAllowed, match=r"Rita Reader <rita@kingsmere.gov.uk> \(reader\) may not upload reports"):
        READER.require(Action.UPLOAD)


# -- changes to the library: checked where they happen, recorded --------------------------------
def changes(tmp_path, database, person):
    from library.changes import LibraryChanges
    from vectorstore.store import LibraryStore

    return LibraryChanges(LibraryStore(Settings(store_dir=tmp_path / "store")), database, person)


def demo_upload(name: str = "fenmarsh.md") -> Upload:
    return Upload(name, (DEMO / name).read_bytes())


def test_a_reader_cannot_upload_or_remove_even_by_calling_the_code(tmp_path, database):
    as_reader = changes(tmp_path, database, READER)
    with pytest.raises(NotAllowed, match="may not upload reports"):
        as_reader.upload([demo_upload()])
    assert as_reader.store.reports() == [] and database.uploads.list() == []
    assert not (tmp_path / "store" / "uploads").exists()

    as_editor = changes(tmp_path, database, EDITOR)
    as_editor.upload([demo_upload()])
    (entry,) = as_reader.store.reports()
    with pytest.raises(NotAllowed, match="may not remove reports"):
        as_reader.remove(entry)
    assert [r.authority for r in as_editor.store.reports()] == ["Fenmarsh County Council"]
    assert [e.action for e in database.audit.recent()] == ["upload"]  # the refused attempts changed nothing


def test_an_editor_uploads_and_removes_and_both_are_on_the_record(tmp_path, database):
    as_editor = changes(tmp_path, database, EDITOR)
    summary = as_editor.upload([demo_upload("fenmarsh.md"), demo_upload("larkbridge.html")])
    assert sorted(r.authority for r in summary.reports) == ["Fenmarsh County Council", "Larkbridge Borough Council"]
    assert {u.name: u.uploaded_by for u in database.uploads.list()} == {"fenmarsh.md": "e-sub", "larkbridge.html": "e-sub"}
    fenmarsh = next(r for r in as_editor.store.reports() if r.authority == "Fenmarsh County Council")
    assert as_editor.remove(fenmarsh) > 0
    assert [u.name for u in database.uploads.list()] == ["larkbridge.html"]  # its upload went with it
    assert not (tmp_path / "store" / "uploads" / "fenmarsh.md").exists()
    removal, upload = database.audit.recent()
    assert (removal.action, removal.actor_label, removal.target) == (
        "remove", "Ed Editor <ed@kingsmere.gov.uk>", "Fenmarsh County Council, 2024-09-04")
    assert "findings removed; uploaded file(s) removed: fenmarsh.md" in removal.outcome
    assert (upload.action, upload.target) == ("upload", "fenmarsh.md, larkbridge.html")
    assert "Larkbridge Borough Council" in upload.outcome and "findings added" in upload.outcome


def test_an_upload_is_reachable_from_another_app_machine(tmp_path, database):
    """Machine one takes the upload; machine two, with its own store folder and no copy of the
    file, shows the original and rebuilds from it: both through the database."""
    from library.changes import copy_uploads_here, original_here

    one = changes(tmp_path / "one", database, EDITOR)
    one.upload([demo_upload("oakhurst.pdf")])
    source = one.store.reports()[0].source
    assert Path(source).parent == tmp_path / "one" / "store" / "uploads"
    two_uploads = tmp_path / "two" / "store" / "uploads"
    shown = original_here(database, two_uploads, source)
    assert shown == two_uploads / "oakhurst.pdf" and shown.read_bytes() == (DEMO / "oakhurst.pdf").read_bytes()
    assert original_here(database, two_uploads, str(DEMO / "fenmarsh.md")) is None  # not an upload
    shown.unlink()
    paths, problems = copy_uploads_here(database, two_uploads)
    assert paths == [two_uploads / "oakhurst.pdf"] and problems == []


def test_the_same_name_uploaded_by_two_people_keeps_both(tmp_path, database):
    first = changes(tmp_path, database, EDITOR).upload([Upload("report.md", (DEMO / "fenmarsh.md").read_bytes())])
    second = changes(tmp_path, database, EDITOR).upload([Upload("report.md", (DEMO / "larkbridge.html").read_bytes())])
    assert [r.authority for r in first.reports] == ["Fenmarsh County Council"]
    assert [Path(r.source).name for r in second.reports] == ["report (2).md"]
    assert [u.name for u in database.uploads.list()] == ["report (2).md", "report.md"]
