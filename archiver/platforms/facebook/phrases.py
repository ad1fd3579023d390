"""What Facebook's own pages say, in the visitor's language: "this content isn't available",
"you're temporarily blocked", and how a page's texts are matched against them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from archiver.core.pages import PageMeta

# --- phrases --------------------------------------------------------------

_APOSTROPHES = ("\u2019", "\u2018", "\u02bc", "\u00b4", "`")


def normalise_phrase(text: str) -> str:
    """Text as phrases are compared: NFC, apostrophes and spaces unified, case folded."""
    text = unicodedata.normalize("NFC", text)
    for mark in _APOSTROPHES:  # str.replace: a dict-driven translate is slow on a 1 MB page
        if mark in text:
            text = text.replace(mark, "'")
    return " ".join(text.casefold().split())


def candidate_strings(page: PageMeta, payload: str) -> Iterator[str]:
    """The strings a page shows as messages: its title, each text node of its body, and each
    string of its JSON payload — normalised. A phrase counts when one of them starts with it."""
    yield normalise_phrase(page.title)
    body = page.document.body
    if body is not None:
        for node in body.traverse(include_text=True):
            if (
                node.tag == "-text"
                and node.parent is not None
                and node.parent.tag not in ("script", "style")
            ):
                text = (node.text_content or "").strip()
                if 8 <= len(text) <= 600:
                    yield normalise_phrase(text)
    for match in re.finditer(r'"([^"\\]{8,600})"', payload):
        yield normalise_phrase(match.group(1))


def phrase_hits(page: PageMeta, payload: str, phrases: Iterable[str]) -> list[str]:
    """The phrases the page shows as a message of its own (see `candidate_strings`)."""
    wanted = [p for p in phrases if p]
    if not wanted:
        return []
    # Cheap first: most pages hold none of the phrases anywhere.
    haystack = normalise_phrase(page.title + " " + payload)
    present = [p for p in wanted if p in haystack]
    if not present:
        return []
    hits = []
    for candidate in candidate_strings(page, payload):
        for phrase in present:
            if candidate.startswith(phrase) and phrase not in hits:
                hits.append(phrase)
    return hits


# --- what Facebook's own pages say ----------------------------------------

# "This content isn't available", as logged-out visitors get it, per language (the page
# follows the visitor's locale). Facebook words the same page in several ways: the
# heading ("…right now", "…at the moment"), mbasic's "The page you requested cannot be
# displayed right now", and the explanation below the heading. Each entry is matched at
# the start of a title, a text of the page, or a string of its JSON payload, after
# `normalise_phrase` (case, apostrophes, spaces). Seen on real pages (English) and taken
# from Facebook's translations as other scrapers quote them (the others).
GONE_PHRASES: dict[str, tuple[str, ...]] = {
    "en": (
        "This content isn't available right now",
        "This content isn't available at the moment",
        "This content is not available",
        "Sorry, this content isn't available",
        "The page you requested cannot be displayed right now",
        "This page isn't available",
        "The link you followed may be broken, or the page may have been removed",
        "When this happens, it's usually because the owner only shared it with a small group of "
        "people",
        "Content not found",
        "This content is no longer available",
    ),
    "es": (
        "Este contenido no está disponible en este momento",
        "Este contenido no está disponible ahora",
        "Este contenido no está disponible",
        "La página que solicitaste no se puede mostrar en este momento",
        "La página que has solicitado no se puede mostrar",
        "Esta página no está disponible",
        "Por lo general, esto sucede porque el propietario solo compartió el contenido con un "
        "grupo reducido",
    ),
    "fr": (
        "Ce contenu n'est pas disponible pour le moment",
        "Ce contenu n'est pas disponible actuellement",
        "Ce contenu n'est pas disponible",
        "La page que vous avez demandée ne peut pas être affichée",
        "Cette page n'est pas disponible",
        "Généralement, cela se produit lorsque le propriétaire a partagé le contenu avec un petit "
        "groupe",
    ),
    "de": (
        "Dieser Inhalt ist momentan nicht verfügbar",
        "Dieser Inhalt ist derzeit nicht verfügbar",
        "Dieser Inhalt ist gerade nicht verfügbar",
        "Dieser Inhalt ist nicht verfügbar",
        "Die angeforderte Seite kann derzeit nicht angezeigt werden",
        "Diese Seite ist nicht verfügbar",
        "Dies passiert in der Regel, wenn der Eigentümer den Inhalt nur mit einer kleinen "
        "Personengruppe",
    ),
    "pt": (
        "Este conteúdo não está disponível no momento",
        "Esse conteúdo não está disponível no momento",
        "Este conteúdo não está disponível de momento",
        "Este conteúdo não está disponível agora",
        "Este conteúdo não está disponível",
        "Esse conteúdo não está disponível",
        "A página que você solicitou não pode ser exibida agora",
        "Esta página não está disponível",
        "Isso geralmente acontece porque o proprietário compartilhou o conteúdo apenas com um "
        "grupo pequeno",
    ),
    "ru": (
        "Этот контент сейчас недоступен",
        "Сейчас этот контент недоступен",
        "Этот материал сейчас недоступен",
        "Этот контент недоступен",
        "Запрашиваемая вами страница сейчас не может быть отображена",
        "Эта страница недоступна",
        "Обычно это происходит, если владелец поделился контентом с небольшой группой людей",
    ),
    "uk": (
        "Цей вміст зараз недоступний",
        "Зараз цей вміст недоступний",
        "Цей вміст недоступний",
        "Сторінку, яку ви запитали, зараз неможливо відобразити",
        "Ця сторінка недоступна",
        "Зазвичай це відбувається, якщо власник поділився вмістом лише з невеликою групою людей",
    ),
    "ar": (
        "هذا المحتوى غير متاح الآن",
        "هذا المحتوى غير متوفر الآن",
        "هذا المحتوى غير متاح حاليًا",
        "هذا المحتوى غير متوفر حاليًا",
        "هذا المحتوى غير متاح",
        "هذا المحتوى غير متوفر",
        "لا يمكن عرض الصفحة التي طلبتها الآن",
        "هذه الصفحة غير متاحة",
        "يحدث هذا عادةً لأن المالك قام فقط بمشاركته مع مجموعة صغيرة من الأشخاص",
    ),
}
BLOCKED_PHRASES = (
    "You're temporarily blocked",
    "You've been temporarily blocked",
    "You're Temporarily Blocked",
    "Estás bloqueado temporalmente",
    "Vous êtes temporairement bloqué",
    "Du wurdest vorübergehend blockiert",
    "Você está temporariamente bloqueado",
    "Вы временно заблокированы",
    "Вас тимчасово заблоковано",
    "تم حظرك مؤقتًا",
)
GONE_NORMALISED = tuple(normalise_phrase(p) for phrases in GONE_PHRASES.values() for p in phrases)
BLOCKED_NORMALISED = tuple(normalise_phrase(p) for p in BLOCKED_PHRASES)
