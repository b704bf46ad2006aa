"""The ``MetadataCleaner`` port: what identifies a reporter removed from each accepted kind.

- Images (Pillow, pillow-heif for HEIC): decoded and encoded again from their pixels alone,
  turned upright first, so EXIF (GPS, camera make, model and serial), XMP, IPTC, ICC
  profiles, comments and anything hidden between segments are gone.
- PDF (pikepdf): the document information dictionary, every XMP metadata stream,
  JavaScript and launch actions, automatic actions, embedded files and the authors of
  annotations are removed, and the file is written anew (earlier revisions of an
  incrementally saved PDF are dropped with it).
- DOCX and XLSX: ``docProps`` (author, last modified by, company, thumbnail), comments and
  the people who wrote them, tracked changes (insertions accepted, deletions and format
  changes dropped), revision ids, and the file path Excel records; every member's
  timestamp is reset.
- ODT: ``meta.xml`` emptied, annotations, tracked changes, settings and thumbnail removed.
- MP3: ID3 (v1 and v2) and APE tags. M4A and MP4: the user-data and metadata boxes
  (iTunes tags, location) overwritten in place by free space, so no offset moves.
- Plain text carries no hidden metadata.
"""

from __future__ import annotations

import io
import logging
import posixpath
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from typing import Any, Final

from shared.domain import evidence as ev
from shared.domain.evidence import Cleaned, FileRefused
from shared.domain.file_types import check_archive
from shared.ports.evidence import MetadataCleaner

MAX_PIXELS: Final = 80_000_000
# Pillow's debug lines print EXIF values (a GPS position among them): never in our logs.
logging.getLogger("PIL").setLevel(logging.INFO)
_EXIF_GPS: Final = 0x8825
_EXIF_IFD: Final = 0x8769
_CAMERA_TAGS: Final = frozenset({0x010F, 0x0110, 0xA430, 0xA431, 0xA432, 0xA433, 0xA434,
                                 0xA435, 0xC614})
_ZIP_TIME: Final = (1980, 1, 1, 0, 0, 0)
# What Pillow reads into ``Image.info`` that describes the photo rather than its pixels.
_METADATA_INFO: Final = frozenset({"xmp", "XML:com.adobe.xmp", "comment", "icc_profile",
                                   "photoshop", "iptc", "mp", "mpoffset", "Comment",
                                   "Author", "Description", "Software", "Title"})


class LibraryCleaner(MetadataCleaner):
    def clean(self, kind: str, data: bytes) -> Cleaned:
        cleaner: Callable[[bytes], Cleaned] = {
            ev.JPEG: lambda d: _image(d, "JPEG"), ev.PNG: lambda d: _image(d, "PNG"),
            ev.HEIC: lambda d: _image(d, "HEIF"), ev.PDF: _pdf, ev.DOCX: _office,
            ev.XLSX: _office, ev.ODT: _odt, ev.MP3: _mp3, ev.M4A: _iso_media,
            ev.MP4: _iso_media, ev.TEXT: Cleaned,
        }[kind]
        return cleaner(data)


def _ordered(found: Iterable[str]) -> tuple[str, ...]:
    seen = set(found)
    return tuple(code for code in ev.REMOVALS if code in seen)


# Images ----------------------------------------------------------------------------------

def _image(data: bytes, fmt: str) -> Cleaned:
    from PIL import Image, ImageOps, UnidentifiedImageError

    if fmt == "HEIF":
        from pillow_heif import register_heif_opener
        register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    found: set[str] = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
            exif = image.getexif()
            if exif.get_ifd(_EXIF_GPS) or _EXIF_GPS in exif:
                found.add(ev.LOCATION)
            tags = set(exif) | set(exif.get_ifd(_EXIF_IFD))
            if tags & _CAMERA_TAGS:
                found.add(ev.CAMERA)
            if tags - _CAMERA_TAGS - {_EXIF_GPS, _EXIF_IFD, 0x0112}:
                found.add(ev.IMAGE_DETAILS)
            if set(image.info) & _METADATA_INFO or getattr(image, "text", None):
                found.add(ev.IMAGE_DETAILS)
            upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused(ev.BOMB, "The image is far larger than its file "
                          "(a decompression bomb).") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error):
        raise FileRefused(ev.MALFORMED, "The image is damaged and cannot be read.") from None
    upright.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, format="JPEG", quality=92)
    elif fmt == "PNG":
        upright.save(out, format="PNG")
    else:
        upright.save(out, format="HEIF", quality=90, exif=None, xmp=None)
    return Cleaned(out.getvalue(), _ordered(found))


# PDF -------------------------------------------------------------------------------------

_BAD_ACTIONS: Final = frozenset({"/JavaScript", "/Launch", "/SubmitForm", "/ImportData",
                                 "/Rendition", "/GoToE"})


def _pdf(data: bytes) -> Cleaned:
    import pikepdf

    found: set[str] = set()
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError:
        raise FileRefused(ev.ENCRYPTED, "The PDF is protected by a password: remove the "
                          "password and attach it again.") from None
    except (pikepdf.PdfError, ValueError, OSError):
        raise FileRefused(ev.MALFORMED, "The PDF is damaged and cannot be read.") from None
    with pdf:
        if pdf.is_encrypted:
            raise FileRefused(ev.ENCRYPTED, "The PDF is encrypted: save it without "
                              "protection and attach it again.")
        try:
            _clean_pdf(pdf, pikepdf, found)
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
        except (pikepdf.PdfError, ValueError, TypeError, AttributeError, RecursionError):
            raise FileRefused(ev.MALFORMED, "The PDF is damaged and cannot be "
                              "read.") from None
    return Cleaned(out.getvalue(), _ordered(found))


def _clean_pdf(pdf: Any, pikepdf: Any, found: set[str]) -> None:
    Name = pikepdf.Name
    info = pdf.trailer.get("/Info")
    if info is not None:
        if any(k in info for k in ("/Author", "/Creator")):
            found.add(ev.AUTHOR)
        if len(info.keys()):
            found.add(ev.DOCUMENT_PROPERTIES)
        del pdf.trailer["/Info"]
    root = pdf.Root
    names = root.get("/Names")
    if names is not None:
        if "/JavaScript" in names:
            found.add(ev.SCRIPTS)
            del names["/JavaScript"]
        if "/EmbeddedFiles" in names:
            found.add(ev.EMBEDDED_FILES)
            del names["/EmbeddedFiles"]
    if "/OpenAction" in root and not isinstance(root.OpenAction, pikepdf.Array):
        found.add(ev.SCRIPTS)
        del root["/OpenAction"]
    for obj in pdf.objects:
        if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            continue
        if "/Metadata" in obj:
            found.add(ev.DOCUMENT_PROPERTIES)
            del obj["/Metadata"]
        for key in ("/PieceInfo", "/AA"):
            if key in obj:
                found.add(ev.SCRIPTS if key == "/AA" else ev.DOCUMENT_PROPERTIES)
                del obj[key]
        if "/JS" in obj or obj.get("/S") in _BAD_ACTIONS:
            found.add(ev.SCRIPTS)
            for key in list(obj.keys()):
                del obj[key]
            obj[Name.S] = Name("/GoTo")
            obj[Name.D] = pikepdf.Array([])
        subtype = obj.get("/Subtype")
        if obj.get("/Type") == "/Metadata" or subtype == "/XML":
            found.add(ev.DOCUMENT_PROPERTIES)
        if subtype == "/FileAttachment" or obj.get("/Type") == "/EmbeddedFile":
            found.add(ev.EMBEDDED_FILES)
            if isinstance(obj, pikepdf.Stream):
                obj.write(b"")
            for key in ("/FS", "/Params"):
                if key in obj:
                    del obj[key]
        if subtype is not None and subtype != "/Widget" and "/T" in obj and \
                "/Rect" in obj:
            found.add(ev.AUTHOR)  # a comment's author
            del obj["/T"]


# Office Open XML (DOCX, XLSX) ------------------------------------------------------------

_W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
_X: Final = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_X15AC: Final = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"
_W_REMOVE: Final = frozenset(f"{{{_W}}}{name}" for name in (
    "del", "moveFrom", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
    "trPrChange", "tcPrChange", "tblGridChange", "numberingChange", "moveFromRangeStart",
    "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "customXmlInsRangeStart",
    "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
    "cellIns", "cellDel", "cellMerge"))
_W_UNWRAP: Final = frozenset({f"{{{_W}}}ins", f"{{{_W}}}moveTo"})
_W_COMMENT: Final = frozenset(f"{{{_W}}}{name}" for name in (
    "commentRangeStart", "commentRangeEnd", "commentReference"))
_COMMENT_TYPES: Final = ("/comments", "/commentsExtended", "/commentsIds",
                         "/commentsExtensible", "/people", "/threadedComment", "/person",
                         "/revisionHeaders", "/revisionLog", "/usernames")
_PROPERTY_TYPES: Final = ("/core-properties", "/extended-properties",
                          "/custom-properties", "/metadata/thumbnail")


def _removed_office_part(name: str) -> str | None:
    """The code of what a part holds, if the part is removed whole."""
    lower = name.lower()
    if lower.startswith("docprops/"):
        return ev.DOCUMENT_PROPERTIES
    base = posixpath.basename(lower)
    if lower.startswith("word/") and (base.startswith("comments") or base == "people.xml"):
        return ev.COMMENTS
    if lower.startswith("xl/") and (base.startswith("comments") or
                                    lower.startswith(("xl/threadedcomments/",
                                                      "xl/persons/")) or
                                    base.startswith("vmldrawing")):
        return ev.COMMENTS
    if lower.startswith("xl/revisions/"):
        return ev.TRACKED_CHANGES
    return None


def _xml(raw: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             remove_blank_text=False)
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        raise FileRefused(ev.MALFORMED, "The document is damaged (a part is not valid "
                          "XML).") from None


def _bytes(root: Any) -> bytes:
    from lxml import etree

    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                   standalone=True)
    return result


def _members(data: bytes) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error,
            NotImplementedError, zlib.error):
        raise FileRefused(ev.MALFORMED, "The document is damaged.") from None
    check_archive(infos, len(data))
    return archive, infos


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError, zlib.error):
        raise FileRefused(ev.MALFORMED, "The document is damaged.") from None


def _rezip(parts: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info, content in parts:
            fresh = zipfile.ZipInfo(info.filename, _ZIP_TIME)
            fresh.compress_type = info.compress_type
            fresh.external_attr = 0o600 << 16
            target.writestr(fresh, content)
    return out.getvalue()


def _office(data: bytes) -> Cleaned:
    archive, infos = _members(data)
    found: set[str] = set()
    removed_parts: set[str] = set()
    for info in infos:
        code = _removed_office_part(info.filename)
        if code is not None:
            removed_parts.add(info.filename)
            found.add(code)
            if info.filename.lower() == "docprops/core.xml" and (
                    b"creator>" in (raw := _read(archive, info)) or b"lastModifiedBy" in raw):
                found.add(ev.AUTHOR)
    parts: dict[str, bytes] = {info.filename: _read(archive, info) for info in infos
                               if info.filename not in removed_parts}
    dropped_ids: dict[str, set[str]] = {}
    for name in list(parts):
        if name.endswith(".rels"):
            parts[name] = _clean_rels(name, parts[name], removed_parts, dropped_ids, found)
    for name in list(parts):
        if name == "[Content_Types].xml":
            parts[name] = _clean_content_types(parts[name], removed_parts)
        elif name.endswith((".xml", ".vml")) and not name.endswith(".rels"):
            parts[name] = _clean_office_xml(parts[name], dropped_ids.get(name, set()), found)
    kept = [(info, parts[info.filename]) for info in infos if info.filename in parts]
    return Cleaned(_rezip(kept), _ordered(found))


def _source_of_rels(rels_name: str) -> tuple[str, str]:
    """The part a relationships part belongs to, and the folder its targets are relative
    to: ``word/_rels/document.xml.rels`` -> ``word/document.xml``, ``word``."""
    folder = posixpath.dirname(posixpath.dirname(rels_name))
    source = posixpath.join(folder, posixpath.basename(rels_name)[:-len(".rels")])
    return source, folder


def _clean_rels(name: str, raw: bytes, removed: set[str], dropped: dict[str, set[str]],
                found: set[str]) -> bytes:
    root = _xml(raw)
    source, folder = _source_of_rels(name)
    for rel in list(root):
        target = rel.get("Target", "")
        kind = rel.get("Type", "")
        if rel.get("TargetMode") == "External":
            resolved = ""
        elif target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        if resolved in removed or kind.endswith(_COMMENT_TYPES + _PROPERTY_TYPES):
            found.add(ev.DOCUMENT_PROPERTIES if kind.endswith(_PROPERTY_TYPES)
                      else ev.COMMENTS)
            dropped.setdefault(source, set()).add(rel.get("Id", ""))
            root.remove(rel)
    return _bytes(root)


def _clean_content_types(raw: bytes, removed: set[str]) -> bytes:
    root = _xml(raw)
    for item in list(root):
        if item.tag == f"{{{_CT}}}Override" and item.get("PartName", "").lstrip("/") in removed:
            root.remove(item)
    return _bytes(root)


def _unwrap(element: Any) -> None:
    parent = element.getparent()
    index = parent.index(element)
    if element.text and len(element) == 0 and not element.text.strip():
        pass
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    _drop(element)


def _drop(element: Any) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _clean_office_xml(raw: bytes, dropped_ids: set[str], found: set[str]) -> bytes:
    root = _xml(raw)
    changed = False
    r_id = f"{{{_R}}}id"
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or (element.getparent() is None
                                                and element is not root):
            continue
        tag = element.tag
        if element is not root and element.get(r_id) in dropped_ids:
            _drop(element)
            changed = True
            continue
        if tag in _W_COMMENT:
            found.add(ev.COMMENTS)
            _drop(element)
            changed = True
        elif tag in _W_REMOVE:
            found.add(ev.TRACKED_CHANGES)
            if element.get(f"{{{_W}}}author"):
                found.add(ev.AUTHOR)
            _drop(element)
            changed = True
        elif tag in _W_UNWRAP:
            found.add(ev.TRACKED_CHANGES)
            if element.get(f"{{{_W}}}author"):
                found.add(ev.AUTHOR)
            _unwrap(element)
            changed = True
        elif tag in (f"{{{_W}}}rsids", f"{{{_X15AC}}}absPath", f"{{{_X}}}fileSharing"):
            found.add(ev.AUTHOR if tag != f"{{{_W}}}rsids" else ev.TRACKED_CHANGES)
            _drop(element)
            changed = True
        else:
            for attribute in [a for a in element.attrib
                              if a.startswith(f"{{{_W}}}rsid")]:
                del element.attrib[attribute]
                changed = True
    return _bytes(root) if changed else raw


# OpenDocument text -----------------------------------------------------------------------

_OFFICE: Final = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT: Final = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_MANIFEST: Final = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
_EMPTY_META: Final = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta '
                      b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                      b'office:version="1.2"><office:meta/></office:document-meta>')
_ODT_REMOVE: Final = {f"{{{_OFFICE}}}annotation": ev.COMMENTS,
                      f"{{{_OFFICE}}}annotation-end": ev.COMMENTS,
                      f"{{{_TEXT}}}tracked-changes": ev.TRACKED_CHANGES,
                      f"{{{_TEXT}}}change": ev.TRACKED_CHANGES,
                      f"{{{_TEXT}}}change-start": ev.TRACKED_CHANGES,
                      f"{{{_TEXT}}}change-end": ev.TRACKED_CHANGES}


def _odt(data: bytes) -> Cleaned:
    archive, infos = _members(data)
    found: set[str] = set()
    removed = {info.filename for info in infos
               if info.filename.startswith(("Thumbnails/", "Configurations2/"))
               or info.filename in ("settings.xml", "layout-cache")}
    if removed:
        found.add(ev.DOCUMENT_PROPERTIES)
    parts: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info in infos:
        if info.filename in removed:
            continue
        content = _read(archive, info)
        if info.filename == "meta.xml":
            if b"creator>" in content:
                found.add(ev.AUTHOR)
            found.add(ev.DOCUMENT_PROPERTIES)
            content = _EMPTY_META
        elif info.filename in ("content.xml", "styles.xml"):
            root = _xml(content)
            hits = [e for e in root.iter() if e.tag in _ODT_REMOVE]
            for element in hits:
                found.add(_ODT_REMOVE[element.tag])
                if element.getparent() is not None:
                    _drop(element)
            content = _bytes(root) if hits else content
        elif info.filename == "META-INF/manifest.xml":
            root = _xml(content)
            for entry in list(root):
                if entry.get(f"{{{_MANIFEST}}}full-path") in removed:
                    root.remove(entry)
            content = _bytes(root)
        parts.append((info, content))
    return Cleaned(_rezip(parts), _ordered(found))


# Audio and video -------------------------------------------------------------------------

def _mp3(data: bytes) -> Cleaned:
    from mutagen import MutagenError, apev2, id3
    from mutagen.mp3 import MP3

    buffer = io.BytesIO(data)
    try:
        audio: Any = MP3(buffer)
        keys = list(audio.tags or ())
        had_tags = bool(keys)
        location = any(str(k).startswith(("TXXX:GPS", "GEOB")) for k in keys)
        buffer.seek(0)
        id3.delete(buffer)
        buffer.seek(0)
        apev2.delete(buffer)
    except (MutagenError, ValueError, struct.error, EOFError):
        raise FileRefused(ev.MALFORMED, "The audio file is damaged and cannot be "
                          "read.") from None
    cleaned = buffer.getvalue()
    found = {ev.TAGS} if had_tags or len(cleaned) != len(data) else set()
    if location:
        found.add(ev.LOCATION)
    return Cleaned(cleaned, _ordered(found))


_CONTAINERS: Final = frozenset({b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"})
_METADATA_BOXES: Final = frozenset({b"udta", b"meta", b"uuid", b"XMP_"})


def _iso_media(data: bytes) -> Cleaned:
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    try:
        MP4(io.BytesIO(data))
    except (MutagenError, ValueError, struct.error, EOFError):
        raise FileRefused(ev.MALFORMED, "The media file is damaged and cannot be "
                          "read.") from None
    out = bytearray(data)
    found: set[str] = set()
    _blank_boxes(out, 0, len(out), found)
    return Cleaned(bytes(out), _ordered(found))


def _blank_boxes(buf: bytearray, start: int, end: int, found: set[str]) -> None:
    """Overwrite metadata boxes with ``free`` boxes of the same size (no offset moves)."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", bytes(buf[at:at + 8]))
        header = 8
        if size == 1:
            if at + 16 > end:
                break
            size = struct.unpack(">Q", bytes(buf[at + 8:at + 16]))[0]
            header = 16
        elif size == 0:
            size = end - at
        if size < header or at + size > end:
            raise FileRefused(ev.MALFORMED, "The media file's structure is damaged.")
        if kind in _METADATA_BOXES:
            body = bytes(buf[at + header:at + size])
            found.add(ev.TAGS)
            if b"\xa9xyz" in body or b"loci" in body:
                found.add(ev.LOCATION)
            buf[at + 4:at + 8] = b"free"
            buf[at + header:at + size] = bytes(size - header)
        elif kind in _CONTAINERS:
            _blank_boxes(buf, at + header, at + size, found)
        at += size
