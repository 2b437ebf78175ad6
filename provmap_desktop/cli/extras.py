"""``provmap fields`` and ``provmap documents``: custom pupil fields and attached files.

- ``fields list``: the school's custom fields, their kinds and choices.
- ``fields add NAME [--kind KIND] [--choices "A; B"]``: define a field.
- ``fields set --pupil UPN FIELD VALUE``: set a pupil's value ("" clears it).
- ``documents list --pupil UPN``: a pupil's documents, newest first.
- ``documents attach --pupil UPN FILE [--title T] [--added-by NAME]``: keep a file
  (PDF, Word, a picture; at most 20 MB) in the pupil's record.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

from .errors import EXIT_OK, CliError
from .options import resolve_pupil, with_session

KINDS = ("text", "long_text", "date", "yes_no", "choice")


def register(parsers: Any) -> None:
    """Add ``fields`` and ``documents`` with their sub-commands."""
    fields = parsers.top.add_parser("fields", help="the school's custom pupil fields")
    field_commands = fields.add_subparsers(dest="fields_command", required=True)
    listing = field_commands.add_parser("list", help="list the custom fields")
    listing.set_defaults(handler=cmd_fields_list)
    add = field_commands.add_parser("add", help="define a custom field")
    add.add_argument("name")
    add.add_argument("--kind", choices=KINDS, default="text")
    add.add_argument("--choices", default="", help='for --kind choice: "A; B; C"')
    add.set_defaults(handler=cmd_fields_add)
    value = field_commands.add_parser("set", help="set a pupil's value of a field")
    value.add_argument("--pupil", metavar="UPN", required=True)
    value.add_argument("field", help="the field's name")
    value.add_argument("value", help='the value ("" clears it)')
    value.set_defaults(handler=cmd_fields_set)

    documents = parsers.top.add_parser("documents", help="files attached to pupils")
    document_commands = documents.add_subparsers(dest="documents_command", required=True)
    listed = document_commands.add_parser("list", help="a pupil's documents")
    listed.add_argument("--pupil", metavar="UPN", required=True)
    listed.set_defaults(handler=cmd_documents_list)
    attach = document_commands.add_parser("attach", help="attach a file to a pupil")
    attach.add_argument("--pupil", metavar="UPN", required=True)
    attach.add_argument("file", type=Path)
    attach.add_argument("--title", default=None, help="default: the file's name")
    attach.add_argument("--added-by", default="", help="who is adding it")
    attach.set_defaults(handler=cmd_documents_attach)


def _saving(session: Session, write: Any) -> None:
    """Run a domain write and commit; a refusal becomes the command's error."""
    from ..domain.change import DomainError

    try:
        write()
    except DomainError as exc:
        session.rollback()
        raise CliError(str(exc)) from exc
    session.commit()


def cmd_fields_list(args: argparse.Namespace) -> int:
    """Print each custom field with its kind (and choices)."""

    def work(session: Session) -> int:
        from ..domain.custom_fields import fields_in_order, values_held
        from ..models import FieldKind

        found = fields_in_order(session)
        if not found:
            print("No custom fields yet.")
        for field in found:
            kind = FieldKind(field.kind).label
            choices = f" ({'; '.join(field.choice_list)})" if field.choice_list else ""
            print(f"{field.name}: {kind}{choices}, {values_held(session, field.id)} values")
        return EXIT_OK

    return with_session(args, work, read_only=True)


def cmd_fields_add(args: argparse.Namespace) -> int:
    """Define a custom field."""

    def work(session: Session) -> int:
        from ..domain import custom_fields

        choices = "\n".join(part.strip() for part in args.choices.split(";"))
        _saving(session, lambda: custom_fields.add_field(session, args.name, args.kind, choices))
        print(f"Added the field {args.name}.")
        return EXIT_OK

    return with_session(args, work)


def cmd_fields_set(args: argparse.Namespace) -> int:
    """Set a pupil's value of a field."""

    def work(session: Session) -> int:
        from sqlalchemy import func, select

        from ..domain import custom_fields
        from ..models import CustomField

        pupil = resolve_pupil(session, args.pupil)
        field = session.scalar(
            select(CustomField).where(func.lower(CustomField.name) == args.field.strip().lower())
        )
        if field is None:
            raise CliError(f"There is no custom field called {args.field}.")
        field_id = field.id
        _saving(session, lambda: custom_fields.set_value(session, pupil.id, field_id, args.value))
        print(f"{field.name} of {pupil.display_name} saved.")
        return EXIT_OK

    return with_session(args, work)


def cmd_documents_list(args: argparse.Namespace) -> int:
    """Print a pupil's documents, newest first."""

    def work(session: Session) -> int:
        from ..domain.documents import documents_of, size_words

        pupil = resolve_pupil(session, args.pupil)
        found = documents_of(session, pupil.id)
        if not found:
            print(f"{pupil.display_name} has no documents.")
        for d in found:
            by = f", added by {d.added_by}" if d.added_by else ""
            print(
                f"{d.added_on:%d/%m/%Y}  {d.title} ({d.file_name}, {size_words(d.size_bytes)}{by})"
            )
        return EXIT_OK

    return with_session(args, work, read_only=True)


def cmd_documents_attach(args: argparse.Namespace) -> int:
    """Keep a file in a pupil's record."""

    def work(session: Session) -> int:
        from ..domain import documents
        from ..domain.change import DomainError
        from ..services.documents import read_for_attaching

        pupil = resolve_pupil(session, args.pupil)
        try:
            data = read_for_attaching(args.file)
        except DomainError as exc:
            raise CliError(str(exc)) from exc
        title = args.title or args.file.stem
        _saving(
            session,
            lambda: documents.attach(
                session,
                pupil.id,
                title,
                args.file.name,
                data,
                added_by=args.added_by,
                added_on=dt.date.today(),
            ),
        )
        print(f"{args.file.name} attached to {pupil.display_name}'s record as “{title}”.")
        return EXIT_OK

    return with_session(args, work)
