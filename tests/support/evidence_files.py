"""Real files the evidence tests attach, made here: a photo with GPS and camera details, a PDF
with an author, XMP and JavaScript, a DOCX with an author, comments and tracked changes, an
MP3 with tags, a file renamed to a wrong extension, a zip bomb, the EICAR test file and an
oversized file."""

from __future__ import annotations

import io
import struct
import zipfile

EICAR = (rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
GPS_LATITUDE = (51.0, 30.0, 12.0)
CAMERA_SERIAL = "SN-4411-TESTCAM"
AUTHOR = "Dana Whistler"
EDITOR = "Lee Manager"
COMMENT_TEXT = "Remember who told me this"
DELETED_TEXT = "the name of my source"
INSERTED_TEXT = "a colleague"


def jpeg_with_gps(width: int = 64, height: int = 48, *, noise: bool = False) -> bytes:
    """A JPEG photo whose EXIF holds a GPS position, camera make, model and serial."""
    from PIL import Image

    if noise:
        import os
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x0131] = "PhotoEditor 2"  # Software
    exif[0x8769] = {0xA431: CAMERA_SERIAL}  # Exif IFD: BodySerialNumber
    exif[0x8825] = {1: "N", 2: GPS_LATITUDE, 3: "E", 4: (0.0, 7.0, 5.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at the office")
    return out.getvalue()


def png_image() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR)
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 200)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_with_author_and_xmp(*, pages: int = 1, filler: int = 0) -> bytes:
    """A PDF whose information dictionary names an author, with XMP metadata naming them
    too, and JavaScript run on opening."""
    import pikepdf

    pdf = pikepdf.new()
    for number in range(pages):
        content = f"BT /F1 12 Tf 72 720 Td (Page {number + 1}) Tj ET".encode()
        if filler:
            content += b"\n%" + b"x" * filler
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792],
            Contents=pdf.make_stream(content))
        pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo["/Author"] = AUTHOR
    pdf.docinfo["/Creator"] = "Word for Office"
    pdf.docinfo["/Title"] = "What I saw"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [AUTHOR]
        meta["xmp:CreatorTool"] = "Word for Office"
    js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                              JS=pikepdf.String("app.alert('hi')")))
    pdf.Root.OpenAction = js
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_with_comments_and_changes() -> bytes:
    """A Word document whose properties name its author and last editor, with a comment
    and tracked changes (an insertion and a deletion) by them."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_W}" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<w:body><w:p w:rsidR="00AB12CD" w:rsidRDefault="00AB12CD">'
        f'<w:r><w:t xml:space="preserve">I was told by </w:t></w:r>'
        f'<w:commentRangeStart w:id="0"/>'
        f'<w:del w:id="1" w:author="{EDITOR}" w:date="2026-01-02T10:00:00Z">'
        f'<w:r><w:delText>{DELETED_TEXT}</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="{EDITOR}" w:date="2026-01-02T10:00:00Z">'
        f'<w:r><w:t>{INSERTED_TEXT}</w:t></w:r></w:ins>'
        f'<w:commentRangeEnd w:id="0"/>'
        f'<w:r><w:commentReference w:id="0"/></w:r>'
        f'<w:r><w:t xml:space="preserve"> that the funds were moved.</w:t></w:r>'
        f'</w:p><w:sectPr/></w:body></w:document>')
    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:comments xmlns:w="{_W}"><w:comment w:id="0" w:author="{AUTHOR}" '
        f'w:initials="DW"><w:p><w:r><w:t>{COMMENT_TEXT}</w:t></w:r></w:p></w:comment>'
        f'</w:comments>')
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<dc:creator>{AUTHOR}</dc:creator><cp:lastModifiedBy>{EDITOR}</cp:lastModifiedBy>'
        '</cp:coreProperties>')
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://'
           'schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Company>Ministry of Examples</Company></Properties>')
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.wordprocessingml.comments+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxml'
        'formats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.extended-properties+xml"/></Types>')
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/extended-properties" Target="docProps/app.xml"/></Relationships>')
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/comments" Target="comments.xml"/></Relationships>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("word/document.xml", document),
                           ("word/_rels/document.xml.rels", document_rels),
                           ("word/comments.xml", comments), ("docProps/core.xml", core),
                           ("docProps/app.xml", app)):
            archive.writestr(name, text)
    return out.getvalue()


def _mp3_frames(count: int) -> bytes:
    # MPEG-1 layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames.
    header = b"\xff\xfb\x90\x64"
    return (header + bytes(417 - 4)) * count


def mp3_with_tags(frames: int = 40) -> bytes:
    """An MP3 whose ID3 tags hold a title, artist and a comment."""
    from mutagen.id3 import COMM, ID3, TIT2, TPE1

    buffer = io.BytesIO(_mp3_frames(frames))
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Meeting recording"))
    tags.add(TPE1(encoding=3, text=AUTHOR))
    tags.add(COMM(encoding=3, lang="eng", desc="", text="recorded in room 4"))
    tags.save(buffer)
    return buffer.getvalue()


def zip_bomb(inflated: int = 300 * 1024 * 1024) -> bytes:
    """A DOCX-shaped archive whose one member inflates to hundreds of megabytes."""
    import zlib

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    # A member written from a pre-compressed stream, so the test never holds the inflated
    # bytes: a local header and directory entry that declare its real sizes.
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(1024 * 1024)
    packed = b"".join(compressor.compress(chunk) for _ in range(inflated // len(chunk)))
    packed += compressor.flush()
    crc = 0
    for _ in range(inflated // len(chunk)):
        crc = zlib.crc32(chunk, crc)
    return _append_member(out.getvalue(), "word/media/bomb.bin", packed, inflated, crc)


def _append_member(archive: bytes, name: str, packed: bytes, size: int, crc: int) -> bytes:
    """``archive`` with one more deflated member, written by hand."""
    end = archive.rindex(b"PK\x05\x06")
    _, _, _, _, entries, dir_size, dir_offset, _ = struct.unpack("<IHHHHIIH",
                                                                 archive[end:end + 22])
    body, directory = archive[:dir_offset], archive[dir_offset:dir_offset + dir_size]
    encoded = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed), size,
                        len(encoded), 0) + encoded
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                          len(packed), size, len(encoded), 0, 0, 0, 0, 0, len(body)) + encoded
    new_dir_offset = len(body) + len(local) + len(packed)
    directory += central
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries + 1, entries + 1, len(directory),
                       new_dir_offset, 0)
    return body + local + packed + directory + tail


def oversized(size: int) -> bytes:
    """Plain text one byte over ``size``."""
    return b"a" * (size + 1)
