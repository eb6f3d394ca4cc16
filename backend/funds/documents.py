"""A project's files: quote sheets, the contract, progress and acceptance photos (pictures
only), and payment vouchers — checked by content and stored like every other upload (photos
re-encoded so no EXIF survives; backend.common.uploads)."""

from sqlalchemy import func, select

from backend.accounts.models import User
from backend.common import uploads
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.funds import events
from backend.funds.access import WRITER_ROLES, project_for, require
from backend.funds.models import DocumentKind, ProjectStatus, RepairDocument

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
FILE_SUFFIXES = (*PHOTO_SUFFIXES, ".pdf")
MAX_BYTES = 10 * 1024 * 1024
MAX_PER_PROJECT = 200
PHOTO_KINDS = (DocumentKind.PROGRESS_PHOTO, DocumentKind.ACCEPTANCE_PHOTO)
CLOSED = (ProjectStatus.PAID, ProjectStatus.CANCELLED)


@unit_of_work
def upload(
    user: User, estate_id: int, project_id: int, kind: str, caption: str, filename: str, data
) -> RepairDocument:
    """Store a file of the project.

    :raises Forbidden: not the committee or manager. :raises Conflict: the project is closed.
    :raises ValidationFailed: a photo that is not a picture, a file that is not what it says.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, WRITER_ROLES, "只有业委会或物业可以上传项目资料")
    if project.status in CLOSED:
        raise Conflict(f"项目{project.status_label}，不能再上传资料")
    count = db.session.scalar(
        select(func.count())
        .select_from(RepairDocument)
        .where(RepairDocument.project_id == project.id)
    )
    if count >= MAX_PER_PROJECT:
        raise ValidationFailed(f"每个项目最多 {MAX_PER_PROJECT} 份资料")
    if kind in PHOTO_KINDS:
        stored = uploads.keep(filename, data, PHOTO_SUFFIXES, "JPG、PNG", MAX_BYTES)
    else:
        stored = uploads.keep(filename, data, FILE_SUFFIXES, "JPG、PNG、PDF", MAX_BYTES)
    document = RepairDocument(
        estate_id=project.estate_id,
        project_id=project.id,
        kind=kind,
        caption=caption or "",
        uploaded_by_id=user.id,
        **stored,
    )
    db.session.add(document)
    db.session.flush()
    events.record(
        project, "upload", user, role, project.status, data={"kind": kind, "id": document.id}
    )
    return document


def document_for(user: User, estate_id: int, project_id: int, document_id: int) -> RepairDocument:
    """A file of a project the user may see.

    :raises NotFound: outside scope, or not a file of this project.
    """
    _estate, project, _roles = project_for(user, estate_id, project_id)
    row = db.session.scalar(
        select(RepairDocument).where(
            RepairDocument.id == document_id, RepairDocument.project_id == project.id
        )
    )
    if row is None:
        raise NotFound("资料不存在")
    return row
