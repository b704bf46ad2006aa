"""What the reporter is told about each attached file, in their language: what was removed
from it ("location and camera details from photo-1.jpg"), that it could not be accepted
(infected: quarantined), and that it was not scanned when no scanner is configured.

The six languages of the pages. The file's name is the reporter's own, shown back to them
only (never stored in clear, never logged).
"""

from __future__ import annotations

from typing import Final

from shared.domain import evidence as ev
from shared.domain.evidence import FileNotice

LANGUAGES: Final = ("en", "fr", "es", "pt", "ar", "zh")

_LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {ev.LOCATION: "location", ev.CAMERA: "camera details",
           ev.IMAGE_DETAILS: "other photo details", ev.AUTHOR: "author names",
           ev.DOCUMENT_PROPERTIES: "document properties", ev.COMMENTS: "comments",
           ev.TRACKED_CHANGES: "tracked changes", ev.SCRIPTS: "scripts",
           ev.EMBEDDED_FILES: "embedded files", ev.TAGS: "tags"},
    "fr": {ev.LOCATION: "la localisation", ev.CAMERA: "les détails de l'appareil photo",
           ev.IMAGE_DETAILS: "d'autres détails de la photo", ev.AUTHOR: "les noms d'auteur",
           ev.DOCUMENT_PROPERTIES: "les propriétés du document",
           ev.COMMENTS: "les commentaires", ev.TRACKED_CHANGES: "les modifications suivies",
           ev.SCRIPTS: "les scripts", ev.EMBEDDED_FILES: "les fichiers incorporés",
           ev.TAGS: "les étiquettes"},
    "es": {ev.LOCATION: "la ubicación", ev.CAMERA: "los datos de la cámara",
           ev.IMAGE_DETAILS: "otros datos de la foto", ev.AUTHOR: "los nombres de autor",
           ev.DOCUMENT_PROPERTIES: "las propiedades del documento",
           ev.COMMENTS: "los comentarios", ev.TRACKED_CHANGES: "el control de cambios",
           ev.SCRIPTS: "los scripts", ev.EMBEDDED_FILES: "los archivos incrustados",
           ev.TAGS: "las etiquetas"},
    "pt": {ev.LOCATION: "a localização", ev.CAMERA: "os dados da câmara",
           ev.IMAGE_DETAILS: "outros dados da foto", ev.AUTHOR: "os nomes de autor",
           ev.DOCUMENT_PROPERTIES: "as propriedades do documento",
           ev.COMMENTS: "os comentários", ev.TRACKED_CHANGES: "as alterações controladas",
           ev.SCRIPTS: "os scripts", ev.EMBEDDED_FILES: "os ficheiros incorporados",
           ev.TAGS: "as etiquetas"},
    "ar": {ev.LOCATION: "الموقع", ev.CAMERA: "بيانات الكاميرا",
           ev.IMAGE_DETAILS: "بيانات أخرى للصورة", ev.AUTHOR: "أسماء المؤلفين",
           ev.DOCUMENT_PROPERTIES: "خصائص المستند", ev.COMMENTS: "التعليقات",
           ev.TRACKED_CHANGES: "التغييرات المتعقبة", ev.SCRIPTS: "البرامج النصية",
           ev.EMBEDDED_FILES: "الملفات المضمنة", ev.TAGS: "الوسوم"},
    "zh": {ev.LOCATION: "位置", ev.CAMERA: "相机信息", ev.IMAGE_DETAILS: "其他照片信息",
           ev.AUTHOR: "作者姓名", ev.DOCUMENT_PROPERTIES: "文档属性", ev.COMMENTS: "批注",
           ev.TRACKED_CHANGES: "修订记录", ev.SCRIPTS: "脚本",
           ev.EMBEDDED_FILES: "嵌入的文件", ev.TAGS: "标签"},
}

_AND: Final = {"en": " and ", "fr": " et ", "es": " y ", "pt": " e ", "ar": " و", "zh": "和"}
_COMMA: Final = {"en": ", ", "fr": ", ", "es": ", ", "pt": ", ", "ar": "، ", "zh": "、"}

_REMOVED: Final = {
    "en": "We removed {items} from {name}.",
    "fr": "Nous avons retiré {items} de {name}.",
    "es": "Quitamos {items} de {name}.",
    "pt": "Removemos {items} de {name}.",
    "ar": "أزلنا {items} من {name}.",
    "zh": "我们已从 {name} 中删除{items}。",
}
_NOTHING: Final = {
    "en": "We found no hidden details to remove in {name}.",
    "fr": "Nous n'avons trouvé aucun détail caché à retirer dans {name}.",
    "es": "No encontramos datos ocultos que quitar en {name}.",
    "pt": "Não encontrámos dados ocultos a remover em {name}.",
    "ar": "لم نجد في {name} بيانات مخفية لإزالتها.",
    "zh": "我们在 {name} 中没有发现需要删除的隐藏信息。",
}
_QUARANTINED: Final = {
    "en": "{name} could not be accepted: it may be harmful. It was set aside unopened and "
          "will not be passed on.",
    "fr": "{name} n'a pas pu être accepté : il pourrait être dangereux. Il a été mis à "
          "l'écart sans être ouvert et ne sera pas transmis.",
    "es": "No se pudo aceptar {name}: podría ser dañino. Se apartó sin abrirlo y no se "
          "transmitirá.",
    "pt": "Não foi possível aceitar {name}: pode ser perigoso. Foi posto de parte sem ser "
          "aberto e não será transmitido.",
    "ar": "تعذر قبول {name}: قد يكون ضارًا. وُضع جانبًا دون فتحه ولن يُحال إلى أحد.",
    "zh": "无法接受 {name}：它可能有害。该文件已被隔离，不会被打开或转交。",  # noqa: RUF001
}
_NOT_SCANNED: Final = {
    "en": "{name} was not checked for viruses: this service has no virus scanner.",
    "fr": "{name} n'a pas été analysé : ce service n'a pas d'antivirus.",
    "es": "{name} no se analizó en busca de virus: este servicio no tiene antivirus.",
    "pt": "{name} não foi verificado quanto a vírus: este serviço não tem antivírus.",
    "ar": "لم يُفحص {name} بحثًا عن الفيروسات: لا يوجد في هذه الخدمة برنامج لمكافحة الفيروسات.",
    "zh": "{name} 未经病毒扫描：本服务没有配置病毒扫描程序。",  # noqa: RUF001
}


def language_of(code: str | None) -> str:
    return code if code in LANGUAGES else "en"


def removed_items(removed: tuple[str, ...], language: str) -> str:
    labels = [_LABELS[language][code] for code in removed]
    if len(labels) <= 1:
        return "".join(labels)
    return _COMMA[language].join(labels[:-1]) + _AND[language] + labels[-1]


def tell(notice: FileNotice, language: str) -> list[str]:
    """The sentences the reporter reads about one file."""
    language = language_of(language)
    name = notice.name
    if notice.status == ev.QUARANTINED:
        return [_QUARANTINED[language].format(name=name)]
    said = [(_REMOVED[language].format(items=removed_items(notice.removed, language),
                                       name=name) if notice.removed
             else _NOTHING[language].format(name=name))]
    if not notice.scanned:
        said.append(_NOT_SCANNED[language].format(name=name))
    return said


_REFUSED: Final = {
    "en": "{name} could not be attached: {why} Nothing was sent: attach the other files "
          "again, or send without this one.",
    "fr": "{name} n'a pas pu être joint : {why} Rien n'a été envoyé : joignez de nouveau "
          "les autres fichiers, ou envoyez sans celui-ci.",
    "es": "No se pudo adjuntar {name}: {why} No se envió nada: adjunte de nuevo los demás "
          "archivos, o envíe sin este.",
    "pt": "Não foi possível anexar {name}: {why} Nada foi enviado: anexe de novo os outros "
          "ficheiros, ou envie sem este.",
    "ar": "تعذر إرفاق {name}: {why} لم يُرسل أي شيء: أرفق الملفات الأخرى مرة أخرى، أو أرسل "
          "بدون هذا الملف.",
    "zh": "无法附加 {name}：{why} 没有发送任何内容：请重新附加其他文件，或不带此文件发送。",  # noqa: RUF001
}
_WHY: Final[dict[str, dict[str, str]]] = {
    "en": {ev.TOO_LARGE: "it is larger than {file_mib} MiB.",
           ev.TOTAL_TOO_LARGE: "all files together are larger than {total_mib} MiB.",
           ev.TOO_MANY: "at most {files} files may be attached.",
           ev.EMPTY: "the file is empty.",
           ev.NOT_ALLOWED: "this kind of file is not accepted (accepted: PDF, PNG, JPEG, "
                           "HEIC, text, DOCX, XLSX, ODT, MP3, M4A, MP4).",
           ev.MISMATCH: "its content is not what its name or type says.",
           ev.ENCRYPTED: "it is protected by a password; remove the password first.",
           ev.MALFORMED: "the file is damaged and cannot be read.",
           ev.BOMB: "it would expand to far more than its size.",
           ev.POLYGLOT: "it hides another file inside it.",
           ev.BAD_NAME: "its name is empty, too long or holds a character not allowed."},
    "fr": {ev.TOO_LARGE: "il dépasse {file_mib} Mio.",
           ev.TOTAL_TOO_LARGE: "l'ensemble des fichiers dépasse {total_mib} Mio.",
           ev.TOO_MANY: "au plus {files} fichiers peuvent être joints.",
           ev.EMPTY: "le fichier est vide.",
           ev.NOT_ALLOWED: "ce type de fichier n'est pas accepté (acceptés : PDF, PNG, "
                           "JPEG, HEIC, texte, DOCX, XLSX, ODT, MP3, M4A, MP4).",
           ev.MISMATCH: "son contenu ne correspond pas à son nom ou à son type.",
           ev.ENCRYPTED: "il est protégé par un mot de passe ; retirez-le d'abord.",
           ev.MALFORMED: "le fichier est endommagé et illisible.",
           ev.BOMB: "il se décompresserait bien au-delà de sa taille.",
           ev.POLYGLOT: "il cache un autre fichier.",
           ev.BAD_NAME: "son nom est vide, trop long ou contient un caractère interdit."},
    "es": {ev.TOO_LARGE: "supera {file_mib} MiB.",
           ev.TOTAL_TOO_LARGE: "todos los archivos juntos superan {total_mib} MiB.",
           ev.TOO_MANY: "se pueden adjuntar como máximo {files} archivos.",
           ev.EMPTY: "el archivo está vacío.",
           ev.NOT_ALLOWED: "este tipo de archivo no se acepta (se aceptan: PDF, PNG, JPEG, "
                           "HEIC, texto, DOCX, XLSX, ODT, MP3, M4A, MP4).",
           ev.MISMATCH: "su contenido no coincide con su nombre o su tipo.",
           ev.ENCRYPTED: "está protegido con contraseña; quítela primero.",
           ev.MALFORMED: "el archivo está dañado y no se puede leer.",
           ev.BOMB: "se expandiría mucho más allá de su tamaño.",
           ev.POLYGLOT: "oculta otro archivo en su interior.",
           ev.BAD_NAME: "su nombre está vacío, es demasiado largo o tiene un carácter no "
                        "permitido."},
    "pt": {ev.TOO_LARGE: "excede {file_mib} MiB.",
           ev.TOTAL_TOO_LARGE: "todos os ficheiros juntos excedem {total_mib} MiB.",
           ev.TOO_MANY: "podem ser anexados no máximo {files} ficheiros.",
           ev.EMPTY: "o ficheiro está vazio.",
           ev.NOT_ALLOWED: "este tipo de ficheiro não é aceite (aceites: PDF, PNG, JPEG, "
                           "HEIC, texto, DOCX, XLSX, ODT, MP3, M4A, MP4).",
           ev.MISMATCH: "o seu conteúdo não corresponde ao nome ou ao tipo.",
           ev.ENCRYPTED: "está protegido por palavra-passe; retire-a primeiro.",
           ev.MALFORMED: "o ficheiro está danificado e não pode ser lido.",
           ev.BOMB: "expandir-se-ia muito além do seu tamanho.",
           ev.POLYGLOT: "esconde outro ficheiro no seu interior.",
           ev.BAD_NAME: "o nome está vazio, é demasiado longo ou tem um carácter não "
                        "permitido."},
    "ar": {ev.TOO_LARGE: "حجمه أكبر من {file_mib} ميغابايت.",
           ev.TOTAL_TOO_LARGE: "مجموع الملفات أكبر من {total_mib} ميغابايت.",
           ev.TOO_MANY: "يمكن إرفاق {files} ملفات كحد أقصى.",
           ev.EMPTY: "الملف فارغ.",
           ev.NOT_ALLOWED: "هذا النوع من الملفات غير مقبول (المقبول: PDF وPNG وJPEG وHEIC "
                           "والنص وDOCX وXLSX وODT وMP3 وM4A وMP4).",
           ev.MISMATCH: "محتواه لا يطابق اسمه أو نوعه.",
           ev.ENCRYPTED: "إنه محمي بكلمة مرور؛ أزل كلمة المرور أولًا.",
           ev.MALFORMED: "الملف تالف ولا يمكن قراءته.",
           ev.BOMB: "سيتمدد إلى أضعاف حجمه بكثير.",
           ev.POLYGLOT: "يخفي ملفًا آخر بداخله.",
           ev.BAD_NAME: "اسمه فارغ أو طويل جدًا أو يحتوي على حرف غير مسموح به."},
    "zh": {ev.TOO_LARGE: "文件大于 {file_mib} MiB。",
           ev.TOTAL_TOO_LARGE: "所有文件合计大于 {total_mib} MiB。",
           ev.TOO_MANY: "最多只能附加 {files} 个文件。",
           ev.EMPTY: "文件为空。",
           ev.NOT_ALLOWED: "不接受此类文件（可接受：PDF、PNG、JPEG、HEIC、文本、DOCX、XLSX、"  # noqa: RUF001
                           "ODT、MP3、M4A、MP4）。",  # noqa: RUF001
           ev.MISMATCH: "其内容与文件名或类型不符。",
           ev.ENCRYPTED: "文件受密码保护，请先移除密码。",  # noqa: RUF001
           ev.MALFORMED: "文件已损坏，无法读取。",  # noqa: RUF001
           ev.BOMB: "解压后会远大于其本身大小。",
           ev.POLYGLOT: "其中隐藏了另一个文件。",
           ev.BAD_NAME: "文件名为空、过长或含有不允许的字符。"},
}


def refused(reason: str, name: str, language: str, limits: ev.EvidenceLimits) -> str:
    """Why a file could not be attached, and that nothing was sent, in the reporter's
    language."""
    language = language_of(language)
    why = _WHY[language].get(reason, _WHY[language][ev.MALFORMED]).format(
        file_mib=f"{limits.per_file_bytes / (1024 * 1024):g}",
        total_mib=f"{limits.total_bytes / (1024 * 1024):g}", files=limits.max_files)
    return _REFUSED[language].format(name=name, why=why)
