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
