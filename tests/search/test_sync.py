"""The index follows the database through the outbox: commits queue, drain() applies, check()
reports drift, rebuild() starts over, and the generation makes every process reload."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest
import sqlalchemy as sa

from dx_match.catalog.models import Plan, Tool, ToolFunction, Vendor
from dx_match.extensions import db
from dx_match.search.backends.whoosh_backend import WhooshBackend
from dx_match.search.docvalues import Filters
from dx_match.search.models import SearchOutbox
from dx_match.search.records import published_ids
from dx_match.search.service import SearchRequest, SearchService

SLUG = "matsukaze-genka"  # finance.accounting + supply.procurement; one-time and yearly plans
VENDOR = "matsukaze-soft"


def tool(slug: str = SLUG) -> Tool:
    """A tool by slug, freshly loaded (searching may detach what the session held)."""
    return db.session.scalars(sa.select(Tool).where(Tool.slug == slug)).one()


def found(service: SearchService, request: SearchRequest) -> set[int]:
    """Every tool id the service returns for a request."""
    return set(service.search(replace(request, per_page=1000)).ids)


def text(query: str, **filters: object) -> SearchRequest:
    """A search request for some text and filters."""
    return SearchRequest(q=query, filters=Filters(**filters), facets=False)  # type: ignore[arg-type]


def queued() -> set[int]:
    """The tool ids waiting in the outbox."""
    return set(db.session.scalars(sa.select(SearchOutbox.tool_id)))


def rename(to: str) -> Callable[[Tool], None]:
    """A change giving the tool a new name in two languages."""

    def change(item: Tool) -> None:
        item.name = {"en": f"{to.title()} Cloud", "ja": f"{to} クラウド"}

    return change


def only_iot(item: Tool) -> None:
    """Replace the tool's functions by IoT and equipment monitoring."""
    item.function_links = [ToolFunction(code="ops.iot")]


def free_plan(item: Tool) -> None:
    """Replace the tool's plans by one free plan."""
    item.plans = [Plan(model="free", position=0)]


@pytest.mark.parametrize(
    ("change", "new", "old"),
    [
        pytest.param(
            rename("wombatledger"), text("wombatledger"), text("quokkaledger"), id="rename"
        ),
        pytest.param(
            only_iot,
            text("設備監視", functions=("ops.iot",)),
            text("", functions=("supply.procurement",)),
            id="functions",
        ),
        pytest.param(free_plan, text("", max_price=Decimal(0), currency="USD"), None, id="plans"),
    ],
)
def test_an_edit_is_queued_at_commit_and_searchable_after_drain(
    search_sandbox: SearchService,
    change: Callable[[Tool], None],
    new: SearchRequest,
    old: SearchRequest | None,
) -> None:
    rename("quokkaledger")(tool())  # a name no other tool shares, so the old name means it
    db.session.commit()
    search_sandbox.drain()
    tool_id = tool().id
    assert tool_id in found(search_sandbox, text("quokkaledger"))
    assert tool_id not in found(search_sandbox, new)
    assert old is None or tool_id in found(search_sandbox, old)

    change(tool())
    db.session.commit()
    assert queued() == {tool_id}
    assert tool_id not in found(search_sandbox, new), "the index changed before drain"
    assert old is None or tool_id in found(search_sandbox, old)

    assert search_sandbox.drain() == 1
    assert queued() == set()
    assert tool_id in found(search_sandbox, new)
    assert old is None or tool_id not in found(search_sandbox, old)
    assert search_sandbox.check().ok


@pytest.mark.parametrize("status", ["pending", "rejected", "archived", "draft"])
def test_leaving_published_removes_the_tool_after_drain(
    search_sandbox: SearchService, status: str
) -> None:
    tool_id = tool().id
    assert tool_id in found(search_sandbox, text("Matsukaze"))
    tool().status = status
    db.session.commit()
    assert queued() == {tool_id}
    assert tool_id in search_sandbox.backend.ids()

    search_sandbox.drain()
    assert tool_id not in search_sandbox.backend.ids()
    assert tool_id not in found(search_sandbox, text("Matsukaze"))
    assert found(search_sandbox, text("Matsukaze"))  # its sibling tools are still there
    assert search_sandbox.check().ok


def test_deleting_a_tool_removes_it(search_sandbox: SearchService) -> None:
    tool_id = tool().id
    db.session.delete(tool())
    db.session.commit()
    assert queued() == {tool_id}
    search_sandbox.drain()
    assert tool_id not in search_sandbox.backend.ids()
    assert tool_id not in found(search_sandbox, text("Matsukaze"))
    assert search_sandbox.check().ok


def test_renaming_a_vendor_reindexes_its_tools(search_sandbox: SearchService) -> None:
    vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == VENDOR)).one()
    tool_ids = {t.id for t in vendor.tools if t.status == "published"}
    assert len(tool_ids) >= 2
    vendor.name = {"en": "Wombatworks", "ja": "ウォンバット工房"}
    db.session.commit()
    assert queued() == tool_ids
    assert found(search_sandbox, text("wombatworks")) == set()

    search_sandbox.drain()
    assert found(search_sandbox, text("wombatworks")) == tool_ids
    assert search_sandbox.check().ok


def test_a_draft_is_never_indexed_until_published(search_sandbox: SearchService) -> None:
    vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == VENDOR)).one()
    draft = Tool(slug="draft-wombat", vendor=vendor, name="Wombatdraft Scheduler", status="draft")
    draft.function_links = [ToolFunction(code="ops.project")]
    draft.plans = [Plan(model="free")]
    db.session.add(draft)
    db.session.commit()
    draft_id = tool("draft-wombat").id
    assert draft_id in queued()  # (with its vendor's tools: the vendor's collection changed)

    search_sandbox.drain()
    assert draft_id not in search_sandbox.backend.ids()
    assert found(search_sandbox, text("wombatdraft")) == set()
    assert search_sandbox.check().ok

    tool("draft-wombat").name = "Wombatdraft Scheduler 2"  # another edit, still a draft
    db.session.commit()
    search_sandbox.drain()
    assert draft_id not in search_sandbox.backend.ids()

    tool("draft-wombat").status = "published"  # the same query finds it once it is published
    db.session.commit()
    search_sandbox.drain()
    assert found(search_sandbox, text("wombatdraft")) == {draft_id}


def test_nothing_touches_the_index_before_drain(search_sandbox: SearchService) -> None:
    ids_before = search_sandbox.backend.ids()
    matsukaze = found(search_sandbox, text("Matsukaze"))
    tool_id = tool().id
    rename("wombatledger")(tool())
    sibling = tool("inaho-kaikei-cloud")
    sibling_id = sibling.id
    sibling.status = "archived"
    db.session.commit()

    assert search_sandbox.backend.ids() == ids_before
    assert found(search_sandbox, text("Matsukaze")) == matsukaze
    assert found(search_sandbox, text("wombatledger")) == set()
    assert sibling_id in found(search_sandbox, text("Inaho"))

    search_sandbox.drain()
    assert search_sandbox.backend.ids() == ids_before - {sibling_id}
    assert found(search_sandbox, text("wombatledger")) == {tool_id}
    assert sibling_id not in found(search_sandbox, text("Inaho"))


def test_check_reports_missing_extra_and_pending(search_sandbox: SearchService) -> None:
    drift = search_sandbox.check()
    assert (drift.ok, drift.missing, drift.extra, drift.pending) == (True, set(), set(), 0)

    vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == VENDOR)).one()
    db.session.add(
        Tool(slug="new-wombat", vendor=vendor, name="Wombatnew", plans=[Plan(model="free")])
    )
    archived, renamed = tool(), tool("inaho-kaikei-cloud")
    archived.status = "archived"
    rename("wombatledger")(renamed)
    db.session.commit()
    new_id, archived_id, renamed_id = tool("new-wombat").id, tool().id, renamed.id

    drift = search_sandbox.check()
    assert not drift.ok
    assert drift.missing == {new_id}  # a rename is neither missing nor extra, only pending
    assert drift.extra == {archived_id}
    assert drift.pending == db.session.scalar(sa.select(sa.func.count(SearchOutbox.id)))
    assert {new_id, archived_id, renamed_id} <= queued()

    search_sandbox.drain()
    drift = search_sandbox.check()
    assert (drift.ok, drift.missing, drift.extra, drift.pending) == (True, set(), set(), 0)

    # A document the index lost (a crashed batch) is missing with nothing pending.
    search_sandbox.backend.delete([new_id])
    drift = search_sandbox.check()
    assert (drift.ok, drift.missing, drift.extra, drift.pending) == (False, {new_id}, set(), 0)


def test_rebuild_leaves_the_index_equal_to_the_published_rows(
    search_sandbox: SearchService,
) -> None:
    generation = search_sandbox.generation()
    archived = tool()
    archived.status = "archived"
    vendor = db.session.scalars(sa.select(Vendor).where(Vendor.slug == VENDOR)).one()
    db.session.add(
        Tool(slug="new-wombat", vendor=vendor, name="Wombatnew", plans=[Plan(model="free")])
    )
    db.session.commit()
    lost = tool("inaho-kaikei-cloud").id
    search_sandbox.backend.delete([lost])
    assert not search_sandbox.check().ok

    count = search_sandbox.rebuild()
    assert count == len(published_ids())
    assert search_sandbox.backend.ids() == published_ids()
    assert queued() == set()
    assert search_sandbox.check().ok
    assert search_sandbox.generation() == generation + 1
    assert found(search_sandbox, text("Wombatnew")) == {tool("new-wombat").id}


def test_the_generation_bump_reloads_the_doc_values(search_sandbox: SearchService) -> None:
    def counts() -> tuple[int, int]:
        response = search_sandbox.search(SearchRequest())
        return response.total, response.facets["functions"]["supply.procurement"]

    total, procurement = counts()
    generation = search_sandbox.generation()
    tool().status = "archived"
    db.session.commit()
    assert counts() == (total, procurement)  # the sidecar follows the index, not the rows

    search_sandbox.drain()
    assert search_sandbox.generation() == generation + 1
    assert counts() == (total - 1, procurement - 1)


def test_a_rebuild_by_another_process_is_seen(search_sandbox: SearchService) -> None:
    """Another process's reindex swaps the index directory; this process must follow it."""
    tool_id = tool().id
    assert tool_id in found(search_sandbox, text("Matsukaze"))  # reader and sidecar cached
    rename("wombatledger")(tool())
    db.session.commit()

    assert isinstance(search_sandbox.backend, WhooshBackend)
    other = SearchService(WhooshBackend(search_sandbox.backend.root), search_sandbox.lock_path)
    other.rebuild()
    other.backend.close()

    assert found(search_sandbox, text("wombatledger")) == {tool_id}
    assert search_sandbox.backend.ids() == published_ids()
