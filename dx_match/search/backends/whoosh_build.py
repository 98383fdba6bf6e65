"""Building a Whoosh index faster: postings kept in memory, lengths read once, own processes.

Profiling a 10k build showed most of Whoosh's writer time outside the postings it must write:
its posting pool spills every posting to disk (one pickle each) and merges the runs back
through a heap, and writing each posting reads that document's field length from the
segment's file again. `BuildWriter` keeps the postings per term in arrays instead (about
25 bytes a posting) and reads the lengths once per document; the segment files it writes
are Whoosh's own, so searches, updates and merges read them as before.
"""

from __future__ import annotations

import multiprocessing
from array import array
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from whoosh import index
from whoosh.writing import SegmentWriter

# (field name, term bytes, document number, weight, value bytes): Whoosh's posting tuple.
Posting = tuple[str, bytes, int, float, bytes | None]
BATCH = 100  # documents per message to a build process (as Whoosh's own writer)


class _TermPostings:
    """One term's postings: numbers and weights in arrays, value bytes shared per value."""

    __slots__ = ("docnums", "ordered", "values", "weights")

    def __init__(self) -> None:
        self.docnums = array("q")
        self.weights = array("d")
        self.values: list[bytes | None] = []
        self.ordered = True


class MemoryPool:
    """Whoosh's posting pool interface (add, iter_postings, fieldnames, cleanup) in memory.

    Postings come out sorted as Whoosh's pool sorts them: by field, term, document number.
    Documents are added in number order, so each term's postings usually already are.
    """

    def __init__(self) -> None:
        self.fieldnames: set[str] = set()
        self._terms: dict[tuple[str, bytes], _TermPostings] = {}
        self._values: dict[bytes | None, bytes | None] = {}  # one object per distinct value

    def add(self, item: Posting) -> None:
        """Keep one posting."""
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self._terms.get(key)
        if postings is None:
            postings = self._terms[key] = _TermPostings()
            self.fieldnames.add(fieldname)
        elif postings.ordered and docnum <= postings.docnums[-1]:
            postings.ordered = False
        postings.docnums.append(docnum)
        postings.weights.append(weight)
        postings.values.append(self._values.setdefault(vbytes, vbytes))

    def iter_postings(self) -> Iterator[Posting]:
        """Every posting in Whoosh's order."""
        for key in sorted(self._terms):
            fieldname, tbytes = key
            postings = self._terms[key]
            rows: Iterable[tuple[int, float, bytes | None]] = zip(
                postings.docnums, postings.weights, postings.values, strict=True
            )
            if not postings.ordered:
                rows = sorted(rows, key=lambda row: (row[0], row[1], row[2] or b""))
            for docnum, weight, vbytes in rows:
                yield fieldname, tbytes, docnum, weight, vbytes

    def cleanup(self) -> None:
        """Drop the postings (Whoosh calls this when the segment is closed)."""
        self._terms = {}


class _Lengths:
    """A segment's per-document field lengths, read from its file once per field."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._count = reader.doc_count_all()
        self._fields: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        """The field's length in the document, as the reader would answer."""
        lengths = self._fields.get(fieldname)
        if lengths is None:
            read = self._reader.doc_field_length
            lengths = self._fields[fieldname] = [read(d, fieldname) for d in range(self._count)]
        return lengths[docnum] if docnum < self._count else default


class BuildWriter(SegmentWriter):  # type: ignore[misc]  # whoosh has no type hints
    """A segment writer with the in-memory pool and lengths read once."""

    def __init__(self, ix: index.Index, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self.pool.cleanup()  # the disk pool it made: nothing written yet
        self.pool: MemoryPool = MemoryPool()

    def _flush_segment(self) -> None:
        # As SegmentWriter._flush_segment, with the lengths read once per document.
        self.perdocwriter.close()
        reader = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(reader) if reader is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
        if reader is not None:
            reader.close()


Fields = dict[str, Any]
T = TypeVar("T")


def build(
    ix: index.Index,
    documents: Iterable[T],
    fields_of: Callable[[T], Fields],
    processes: int,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Index the documents into an empty index and commit.

    `fields_of` gives a document's add_document keyword arguments; with several processes
    it runs in them, and each writes its own segment (searches read all of them), as
    Whoosh's multisegment writer does; the parent only hands out batches of documents.
    """
    if processes <= 1:
        count = 0
        with BuildWriter(ix) as writer:
            for document in documents:
                writer.add_document(**fields_of(document))
                count += 1
                if progress and count % BATCH == 0:
                    progress(BATCH)
        if progress and count % BATCH:
            progress(count % BATCH)
        return
    context = multiprocessing.get_context("fork")
    connections: list[Connection] = []
    workers = []
    for _ in range(processes):
        ours, theirs = context.Pipe()
        worker = context.Process(
            target=_build_segment, args=(ix.storage, ix.indexname, fields_of, theirs), daemon=True
        )
        worker.start()
        theirs.close()  # held by the build process only: its exit ends our reads and writes
        connections.append(ours)
        workers.append(worker)
    segments = []
    try:
        _hand_out(documents, connections, progress)
        for connection in connections:
            segments.append(connection.recv())
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # a build process ended early: reported below from its exit code
    finally:
        for worker in workers:
            worker.join(timeout=None if len(segments) == processes else 5)
            if worker.is_alive():
                worker.terminate()
                worker.join()
    failed = [w.exitcode for w in workers if w.exitcode]
    if failed or len(segments) < processes:
        raise RuntimeError(f"index build process failed (exit codes {failed})")
    segments = [segment for segment in segments if segment is not None]
    generation = ix.latest_generation() + 1
    index.TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)
    index.clean_files(ix.storage, ix.indexname, generation, segments)


def _hand_out(
    documents: Iterable[T], connections: list[Connection], progress: Callable[[int], None] | None
) -> None:
    """Send the documents in batches, in turn, then the end mark to every process."""
    batch: list[T] = []
    turn = 0
    for document in documents:
        batch.append(document)
        if len(batch) == BATCH:
            connections[turn % len(connections)].send(batch)
            turn += 1
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        connections[turn % len(connections)].send(batch)
        if progress:
            progress(len(batch))
    for connection in connections:
        connection.send(None)


def _build_segment(
    storage: Any, indexname: str, fields_of: Callable[[Any], Fields], connection: Connection
) -> None:
    """In a build process: add the batches received, write the segment, send it back."""
    ix = storage.open_index(indexname)
    writer = BuildWriter(ix, _lk=False)
    added = False
    while (batch := connection.recv()) is not None:
        for document in batch:
            writer.add_document(**fields_of(document))
            added = True
    if added:
        connection.send(writer._finalize_segment())
    else:
        writer.cancel()
        connection.send(None)
    connection.close()
