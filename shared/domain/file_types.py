"""What a file is, from its bytes: the allow-list of ``shared.domain.evidence`` checked by
content, never by name.

``identify`` returns the kind, or raises ``FileRefused``: a kind not on the list, a name or
declared media type that says another kind (a file renamed to a wrong extension), an
encrypted document, a malformed or oversized archive (a zip bomb), or a polyglot (a file
that is also another kind of file: a ZIP archive or a PDF hidden inside an image, or
anything after an image's end). Archives are only read from their directory here: no
member is inflated beyond what the directory declares.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import Final

from shared.domain import evidence as ev
from shared.domain.evidence import FileRefused

# ZIP containers: what they may inflate to, and the members that make each kind.
MAX_INFLATED: Final = 200 * 1024 * 1024
MAX_RATIO: Final = 200
MAX_MEMBERS: Final = 5000
_ODT_MIMETYPE: Final = b"application/vnd.oasis.opendocument.text"
_CFB: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE: Final = "EncryptedPackage".encode("utf-16-le")
_ZIP_LOCAL: Final = b"PK\x03\x04"
_ZIP_END: Final = b"PK\x05\x06"
_PNG: Final = b"\x89PNG\r\n\x1a\n"
_HEIC_BRANDS: Final = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx",
                                 b"mif1", b"msf1"})
_M4A_BRANDS: Final = frozenset({b"M4A ", b"M4B ", b"M4P "})
_MP4_BRANDS: Final = frozenset({b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41",
                                b"mp42", b"avc1", b"M4V ", b"dash", b"MSNV"})


def identify(upload: ev.Upload) -> str:
    """The kind of an uploaded file, checked against its name and declared type."""
    kind = _kind_of(upload.data)
    _check_declared(upload, kind)
    _check_polyglot(upload.data, kind)
    return kind


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[1].lower() if "." in base.strip(".") else ""


def _check_declared(upload: ev.Upload, kind: str) -> None:
    extension = extension_of(upload.name)
    declared = upload.declared_type.split(";", 1)[0].strip().lower()
    what = _DESCRIPTION[kind]
    if extension and extension not in ev.EXTENSIONS[kind]:
        raise FileRefused(ev.MISMATCH, f"The file is named .{extension} but its content is "
                          f"{what}.", kind=kind)
    if declared not in ev.UNDECLARED_TYPES and declared not in ev.DECLARED_TYPES[kind]:
        raise FileRefused(ev.MISMATCH, f"The file was sent as {declared} but its content is "
                          f"{what}.", kind=kind)


_DESCRIPTION: Final = {
    ev.PDF: "a PDF document", ev.PNG: "a PNG image", ev.JPEG: "a JPEG image",
    ev.HEIC: "a HEIC image", ev.TEXT: "plain text", ev.DOCX: "a Word (DOCX) document",
    ev.XLSX: "an Excel (XLSX) workbook", ev.ODT: "an OpenDocument text (ODT)",
    ev.MP3: "MP3 audio", ev.M4A: "M4A audio", ev.MP4: "MP4 video",
}


def _kind_of(data: bytes) -> str:
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return ev.PDF
    if head.startswith(_PNG):
        return ev.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return ev.JPEG
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return _iso_media_kind(data)
    if head.startswith(_ZIP_LOCAL):
        return _zip_kind(data)
    if head.startswith(_CFB):
        if _ENCRYPTED_PACKAGE in data:
            raise FileRefused(ev.ENCRYPTED, "The document is protected by a password: "
                              "remove the password and attach it again.")
        raise FileRefused(ev.NOT_ALLOWED, "Old Office documents (.doc, .xls) are not "
                          "accepted: save as DOCX, XLSX or PDF.")
    if head.startswith(b"ID3") or _is_mpeg_audio(data):
        return ev.MP3
    if _is_text(data):
        return ev.TEXT
    raise FileRefused(ev.NOT_ALLOWED, "This kind of file is not accepted. Accepted: PDF, "
                      "PNG, JPEG, HEIC, plain text, DOCX, XLSX, ODT, MP3, M4A and MP4.")


def _iso_media_kind(data: bytes) -> str:
    size = struct.unpack(">I", data[:4])[0]
    if size < 16 or size > min(len(data), 4096):
        raise FileRefused(ev.MALFORMED, "The media file's header is damaged.")
    brands = {data[8:12]} | {data[i:i + 4] for i in range(16, size - 3, 4)}
    if brands & _HEIC_BRANDS and data[8:12] in _HEIC_BRANDS | {b"mif1", b"msf1"}:
        return ev.HEIC
    if data[8:12] in _M4A_BRANDS:
        return ev.M4A
    if data[8:12] in _MP4_BRANDS or brands & _MP4_BRANDS:
        return ev.MP4
    raise FileRefused(ev.NOT_ALLOWED, "This kind of media file is not accepted: MP4, M4A "
                      "and HEIC are.")


def _is_mpeg_audio(data: bytes) -> bool:
    """Two consecutive MPEG-1/2 layer III frame headers at the start."""
    if len(data) < 4 or data[0] != 0xFF or (data[1] & 0xE6) != 0xE2:
        return False
    bitrate, rate = data[2] >> 4, (data[2] >> 2) & 3
    if bitrate in (0, 15) or rate == 3:
        return False
    version_bits = (data[1] >> 3) & 3
    rates = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
    kbps = ((0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320) if
            version_bits == 3 else
            (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160))
    if version_bits not in rates:
        return False
    factor = 144 if version_bits == 3 else 72
    length = factor * kbps[bitrate] * 1000 // rates[version_bits][rate] + ((data[2] >> 1) & 1)
    nxt = data[length:length + 2]
    return len(nxt) == 2 and nxt[0] == 0xFF and (nxt[1] & 0xE6) == 0xE2


_TEXT_CONTROLS: Final = frozenset(b"\t\n\r\f")


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any((ord(ch) < 32 and ord(ch) not in _TEXT_CONTROLS) or ord(ch) == 127
                   for ch in text)


def _zip_kind(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error,
            NotImplementedError, zlib.error):
        raise FileRefused(ev.MALFORMED, "The document is damaged (its archive cannot be "
                          "read).") from None
    check_archive(infos, len(data))
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return ev.DOCX
        if "xl/workbook.xml" in names:
            return ev.XLSX
        raise FileRefused(ev.NOT_ALLOWED, "Only Word (DOCX) and Excel (XLSX) Office "
                          "documents are accepted.")
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype").strip()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError,
                zlib.error):
            raise FileRefused(ev.MALFORMED, "The document is damaged.") from None
        if mimetype == _ODT_MIMETYPE and "content.xml" in names:
            return ev.ODT
        raise FileRefused(ev.NOT_ALLOWED, "Only OpenDocument text (ODT) is accepted of the "
                          "OpenDocument formats.")
    raise FileRefused(ev.NOT_ALLOWED, "Archives (ZIP) are not accepted: attach the files "
                      "themselves.")


def check_archive(infos: list[zipfile.ZipInfo], packed: int) -> None:
    """Refuse an encrypted archive, one that would inflate too far (a zip bomb), or one
    whose directory is not sound."""
    if len(infos) > MAX_MEMBERS:
        raise FileRefused(ev.BOMB, "The document holds too many parts.")
    inflated = 0
    seen: set[str] = set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise FileRefused(ev.ENCRYPTED, "The document is encrypted: remove the password "
                              "and attach it again.")
        if info.filename in seen or info.filename.startswith("/") or ".." in \
                info.filename.split("/"):
            raise FileRefused(ev.MALFORMED, "The document's archive is malformed.")
        seen.add(info.filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise FileRefused(ev.MALFORMED, "The document uses an unknown compression.")
        inflated += info.file_size
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and \
                info.file_size > 1024 * 1024:
            raise FileRefused(ev.BOMB, "The document would expand to far more than its "
                              "size (a compression bomb).")
    if inflated > MAX_INFLATED or inflated > MAX_RATIO * max(packed, 1):
        raise FileRefused(ev.BOMB, "The document would expand to far more than its size "
                          "(a compression bomb).")


def _check_polyglot(data: bytes, kind: str) -> None:
    """A file that is also another kind of file is refused."""
    zip_kinds = (ev.DOCX, ev.XLSX, ev.ODT)
    if kind not in zip_kinds and (_ZIP_END in data and _ZIP_LOCAL in data):
        raise FileRefused(ev.POLYGLOT, f"The file is {_DESCRIPTION[kind]} with an archive "
                          "hidden inside it.", kind=kind)
    if kind != ev.PDF and b"%PDF-" in data[:1024]:
        raise FileRefused(ev.POLYGLOT, f"The file is {_DESCRIPTION[kind]} and a PDF at once.",
                          kind=kind)
    if kind in zip_kinds and not data.startswith(_ZIP_LOCAL):
        raise FileRefused(ev.POLYGLOT, "The document has something before its archive.",
                          kind=kind)
    if kind == ev.PNG and not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        raise FileRefused(ev.POLYGLOT, "The PNG image has data after its end.", kind=kind)
    if kind == ev.JPEG and not data.rstrip(b"\x00\r\n").endswith(b"\xff\xd9"):
        raise FileRefused(ev.POLYGLOT, "The JPEG image has data after its end.", kind=kind)
