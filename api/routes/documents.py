"""The briefs: list, read, upload, delete (writes need the API key)."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile

from assistant.errors import UnknownDocument, echoed

from ..deps import READ, WRITE, ServiceDep
from ..schemas import DocumentDetail, DocumentOut, ErrorBody, WriteOut
from ..service import WriteResult

router = APIRouter(tags=["documents"])
DocId = Annotated[str, Path(description="A document id from GET /documents.", examples=["strengthening-un-support-to-ssr"])]


@router.get("/documents", summary="Indexed documents", response_model=list[DocumentOut], dependencies=READ)
def documents(service: ServiceDep) -> list[dict[str, object]]:
    """Every indexed document with its format, pages and passage count."""
    manifest = service.answerer.index.manifest
    return [_public(record) for record in manifest.documents.values()]


@router.get("/documents/{doc_id}", summary="One document", response_model=DocumentDetail, dependencies=READ)
def document(doc_id: DocId, service: ServiceDep) -> dict[str, object]:
    """One document's record, its section paths and its normalised text (what citation offsets index into)."""
    index = service.answerer.index
    if doc_id not in index.documents:
        raise UnknownDocument(f"No document with id '{echoed(doc_id)}'. GET /documents lists them.")
    record = index.manifest.documents[doc_id]
    sections = [s.label for s in index.documents[doc_id].sections if s.path]
    text = index.documents[doc_id].text
    return {**_public(record), "sections": sections, "characters": len(text), "text": text}


@router.post(
    "/documents", summary="Upload a brief", status_code=201, response_model=WriteOut, dependencies=WRITE,
    responses={409: {"model": ErrorBody}, 413: {"model": ErrorBody}, 415: {"model": ErrorBody}},
)
def upload(
    service: ServiceDep,
    file: Annotated[UploadFile, File(description="A PDF, .txt or .md brief.")],
    replace: Annotated[bool, Form(description="Replace an uploaded document with the same id.")] = False,
    replace_query: Annotated[
        bool, Query(alias="replace", description="The same as the form field: replace a document with the same id.")
    ] = False,
) -> dict[str, object]:
    """Ingest and index a brief. The index is rebuilt incrementally and swapped in atomically; questions keep
    being answered from the previous index meanwhile. Requires the API key. `replace=true` (form field or query
    parameter) replaces an uploaded brief of the same id; without it that is a 409."""
    data = file.file.read(service.settings.max_upload_bytes + 1)
    return _write_out(service.add_document(file.filename or "upload", data, replace or replace_query))


@router.delete(
    "/documents/{doc_id}", summary="Remove a brief", response_model=WriteOut, dependencies=WRITE,
    responses={409: {"model": ErrorBody}},
)
def delete_document(doc_id: DocId, service: ServiceDep) -> dict[str, object]:
    """Remove a brief from the index (its file moves to ASSISTANT_DATA_DIR/trash). Requires the API key."""
    return _write_out(service.delete_document(doc_id))


def _public(record: object) -> dict[str, object]:
    """A document record without the server's folders: the file name only."""
    fields = dict(vars(record))
    fields["source_path"] = FilePath(str(fields["source_path"])).name
    return fields


def _write_out(result: WriteResult) -> dict[str, object]:
    return {
        "doc_id": result.doc_id,
        "documents": result.report.documents,
        "passages": result.report.passages,
        "embedded": result.report.embedded,
        "seconds": result.seconds,
        "warnings": result.report.warnings,
    }
