"""Facebook: recognise post URLs, plan logged-out fetches, parse, classify.

Logged out, Facebook gives the post page to some clients and a login wall to
others. Its signals are weak, and this module says so instead of guessing:

* a page that shows the post (`facebook_page.read_post_page`) is `ALIVE`;
* a deleted post and a post whose audience was narrowed both answer 200 with
  "This content isn't available right now" (or "…at the moment"; on mbasic "The
  page you requested cannot be displayed right now"), in the visitor's language,
  in the title or only in the body and the page's JSON payload — `UNAVAILABLE`,
  never `DELETED`;
* a login wall is a redirect to ``/login``, a page titled "Log into Facebook" or
  "Log In or Sign Up", or a login form with no post — `LOGIN_WALL`, which says nothing;
* "You're temporarily blocked" is a rate limit;
* anything else is `ERROR`: an unknown page is never read as gone.
"""

from __future__ import annotations

import re
import copy
import functools
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import parse_qs, quote, urlsplit

from archiver.errors import UnsupportedURL
from archiver.core.pages import MAX_PARSE_CHARS, PageMeta, decode_html
from archiver.core.status import Classification, Outcome, Signal
from archiver.core.urls import WebURL, parse_url
from archiver.platforms.base import FetchRequest, PlatformSetting, PostData, PostRef, Purpose, Response
from archiver.platforms.facebook_page import Reading, normalise_phrase, phrase_hits, read_post_page

NAME = "facebook"

HOSTS = frozenset(
    {"facebook.com", "www.facebook.com", "m.facebook.com", "mbasic.facebook.com",
     "web.facebook.com", "business.facebook.com"}
)
SHARE_HOSTS = frozenset({"fb.watch", "www.fb.watch"})
OEMBED = "https://graph.facebook.com/v19.0/oembed_post"

_ID = re.compile(r"\A[0-9]{1,25}\Z")
_PFBID = re.compile(r"\Apfbid[0-9A-Za-z]{10,80}\Z")
_NAME = re.compile(r"\A[A-Za-z0-9.\-_]{1,80}\Z")
_SHARE_CODE = re.compile(r"\A[A-Za-z0-9_\-]{1,40}\Z")
_RESERVED = frozenset(
    {"login", "login.php", "home.php", "profile.php", "pages", "watch", "reel", "groups",
     "share", "photo", "photo.php", "permalink.php", "story.php", "events", "marketplace",
     "gaming", "help", "policies", "privacy", "settings", "search", "hashtag", "stories"}
)


# Posts known to be alive, checked before verdicts are trusted (issue 11): two public posts
# of organisations' Pages that other projects recorded logged out (2014, seen in 2020; 2021),
# old enough that their survival says they are kept.
CONTROLS = (
    "https://www.facebook.com/asociaciondag/posts/827163017327807",
    "https://www.facebook.com/Nintendo/posts/4188053201279101",
)


def recognise(url: WebURL) -> PostRef | None:
    if url.host in SHARE_HOSTS:
        code = url.segments[0] if url.segments else ""
        if not _SHARE_CODE.match(code):
            raise UnsupportedURL(f"not a Facebook post: {url} is not a fb.watch link")
        return PostRef(NAME, f"share:watch:{code}", f"https://fb.watch/{code}/", unresolved=True)
    if url.host not in HOSTS:
        return None
    url = url.without_tracking()
    seg = url.segments
    first = seg[0].lower() if seg else ""

    def bad(why: str) -> UnsupportedURL:
        return UnsupportedURL(f"not a Facebook post: {url} {why}")

    if first in ("permalink.php", "story.php"):
        story, owner = url.param("story_fbid"), url.param("id")
        if not story or not (_ID.match(story) or _PFBID.match(story)):
            raise bad("has no story_fbid")
        canonical = f"https://www.facebook.com/permalink.php?story_fbid={story}"
        if owner and _ID.match(owner):
            canonical += f"&id={owner}"
        return PostRef(NAME, f"post:{story}", canonical)
    if first == "photo.php" or (first == "photo" and len(seg) == 1):
        fbid = url.param("fbid")
        if not fbid or not _ID.match(fbid):
            raise bad("has no photo fbid")
        return PostRef(NAME, f"photo:{fbid}", f"https://www.facebook.com/photo.php?fbid={fbid}")
    if first == "watch":
        vid = url.param("v")
        if not vid or not _ID.match(vid):
            raise bad("has no video id")
        return PostRef(NAME, f"video:{vid}", f"https://www.facebook.com/watch/?v={vid}")
    if first == "reel":
        if len(seg) < 2 or not _ID.match(seg[1]):
            raise bad("has no reel id")
        return PostRef(NAME, f"video:{seg[1]}", f"https://www.facebook.com/reel/{seg[1]}")
    if first == "groups":
        if len(seg) >= 4 and seg[2] in ("posts", "permalink") and _NAME.match(seg[1]):
            post = seg[3]
            if _ID.match(post) or _PFBID.match(post):
                return PostRef(
                    NAME, f"group:{seg[1]}:{post}",
                    f"https://www.facebook.com/groups/{seg[1]}/posts/{post}",
                )
        raise bad("is a group page, not a post")
    if first == "share":
        if len(seg) >= 3 and seg[1] in ("p", "v", "r") and _SHARE_CODE.match(seg[2]):
            return PostRef(
                NAME, f"share:{seg[1]}:{seg[2]}",
                f"https://www.facebook.com/share/{seg[1]}/{seg[2]}/", unresolved=True,
            )
        raise bad("is not a share link")
    if len(seg) >= 3 and first not in _RESERVED and _NAME.match(seg[0]):
        page, kind = seg[0], seg[1]
        last = seg[-1]
        if kind == "posts" and (_ID.match(last) or _PFBID.match(last)):
            return PostRef(
                NAME, f"post:{last}", f"https://www.facebook.com/{page}/posts/{last}", handle=page
            )
        if kind == "videos" and _ID.match(last):
            return PostRef(
                NAME, f"video:{last}", f"https://www.facebook.com/{page}/videos/{last}", handle=page
            )
        if kind == "photos":
            fbid = url.param("fbid") or last
            if _ID.match(fbid):
                return PostRef(
                    NAME, f"photo:{fbid}", f"https://www.facebook.com/photo.php?fbid={fbid}", handle=page
                )
    if not seg or first in ("home.php", "profile.php") or len(seg) <= 2:
        raise bad("is a profile or home page, not a post")
    raise bad("is not a post URL")


_KINDS = {"post": "post", "photo": "photo", "video": "video", "group": "group_post", "share": "share_link"}


def post_identity(key: str, url: str) -> tuple[str, str]:
    """Facebook's own id of the post (the last part of our key), and its kind."""
    prefix, _, rest = key.partition(":")
    kind = _KINDS.get(prefix, prefix or "post")
    if kind == "video" and "/reel/" in url:
        kind = "reel"
    return rest.rsplit(":", 1)[-1] if rest else key, kind


OEMBED_TOKEN = PlatformSetting(
    "ARCHIVER_FACEBOOK_OEMBED_TOKEN", "",
    "an app token for Facebook's oEmbed endpoint; sent as an `Authorization` header, never written to a WARC")


def plan(ref: PostRef, purpose: Purpose, oembed_token: str = "") -> list[FetchRequest]:
    requests = [FetchRequest("page", ref.url, accept="text/html")]
    if oembed_token:
        # The token travels in a header so that it never lands in a WARC record's URL.
        requests.append(
            FetchRequest(
                "oembed",
                f"{OEMBED}?url={quote(ref.url, safe='')}&omitscript=true",
                accept="application/json",
                secret_headers=(("Authorization", f"Bearer {oembed_token}"),),
            )
        )
    return requests


def followups(
    ref: PostRef, responses: Mapping[str, Response], data: PostData | None, purpose: Purpose
) -> list[FetchRequest]:
    if purpose is not Purpose.CAPTURE or data is None or not data.has_content():
        return []
    return [FetchRequest(f"media:{m.kind}", m.url, is_media=True) for m in data.media]


def parse(ref: PostRef, responses: Mapping[str, Response]) -> PostData:
    """What the post page says about the post; empty when the page does not show it."""
    page = responses.get("page")
    if page is None or page.status != 200:
        return PostData(canonical_url=ref.url)
    seen = examine(ref.key, page)
    if not seen.shows_post or seen.login_page:
        return PostData(canonical_url=ref.url)
    return copy.deepcopy(seen.data)


@dataclass(frozen=True)
class Examination:
    """Everything `parse` and `classify` need from one post page, read once."""

    data: PostData
    shows_post: bool
    login_page: bool
    login_form: bool
    blocked: bool
    gone: tuple[str, ...]
    title_gone: bool


def examine(key: str, page: Response) -> Examination:
    """Read a post page once for both `parse` and `classify` (a 1 MB page costs tens of ms)."""
    return _examine(key, page.url, page.body, page.content_type, page.final_url)


@functools.lru_cache(maxsize=4)
def _examine(key: str, url: str, body: bytes, content_type: str, final_url: str) -> Examination:
    html = decode_html(body, content_type)[:MAX_PARSE_CHARS]  # the payload is read no further than the markup
    reading = read_post_page(PostRef(NAME, key, url), html)
    meta = reading.page
    assert meta is not None
    payload = reading.payload
    gone = tuple(phrase_hits(meta, payload, _GONE))
    title = normalise_phrase(reading.title)
    return Examination(
        data=reading.data, shows_post=reading.shows_post,
        login_page=_is_login_page(final_url, reading), login_form=_has_login_form(reading),
        blocked=bool(phrase_hits(meta, payload, _BLOCKED)), gone=gone,
        title_gone=any(title.startswith(p) for p in gone))


# --- what Facebook's own pages say ----------------------------------------

# "This content isn't available", as logged-out visitors get it, per language (the page
# follows the visitor's locale). Facebook words the same page in several ways: the
# heading ("…right now", "…at the moment"), mbasic's "The page you requested cannot be
# displayed right now", and the explanation below the heading. Each entry is matched at
# the start of a title, a text of the page, or a string of its JSON payload, after
# `normalise_phrase` (case, apostrophes, spaces). Seen on real pages (English) and taken
# from Facebook's translations as other scrapers quote them (the others).
GONE_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("This content isn't available right now", "This content isn't available at the moment",
           "This content is not available", "Sorry, this content isn't available",
           "The page you requested cannot be displayed right now", "This page isn't available",
           "The link you followed may be broken, or the page may have been removed",
           "When this happens, it's usually because the owner only shared it with a small group of people",
           "Content not found", "This content is no longer available"),
    "es": ("Este contenido no está disponible en este momento", "Este contenido no está disponible ahora",
           "Este contenido no está disponible", "La página que solicitaste no se puede mostrar en este momento",
           "La página que has solicitado no se puede mostrar", "Esta página no está disponible",
           "Por lo general, esto sucede porque el propietario solo compartió el contenido con un grupo reducido"),
    "fr": ("Ce contenu n'est pas disponible pour le moment", "Ce contenu n'est pas disponible actuellement",
           "Ce contenu n'est pas disponible", "La page que vous avez demandée ne peut pas être affichée",
           "Cette page n'est pas disponible",
           "Généralement, cela se produit lorsque le propriétaire a partagé le contenu avec un petit groupe"),
    "de": ("Dieser Inhalt ist momentan nicht verfügbar", "Dieser Inhalt ist derzeit nicht verfügbar",
           "Dieser Inhalt ist gerade nicht verfügbar", "Dieser Inhalt ist nicht verfügbar",
           "Die angeforderte Seite kann derzeit nicht angezeigt werden", "Diese Seite ist nicht verfügbar",
           "Dies passiert in der Regel, wenn der Eigentümer den Inhalt nur mit einer kleinen Personengruppe"),
    "pt": ("Este conteúdo não está disponível no momento", "Esse conteúdo não está disponível no momento",
           "Este conteúdo não está disponível de momento", "Este conteúdo não está disponível agora",
           "Este conteúdo não está disponível", "Esse conteúdo não está disponível",
           "A página que você solicitou não pode ser exibida agora", "Esta página não está disponível",
           "Isso geralmente acontece porque o proprietário compartilhou o conteúdo apenas com um grupo pequeno"),
    "ru": ("Этот контент сейчас недоступен", "Сейчас этот контент недоступен", "Этот материал сейчас недоступен",
           "Этот контент недоступен", "Запрашиваемая вами страница сейчас не может быть отображена",
           "Эта страница недоступна",
           "Обычно это происходит, если владелец поделился контентом с небольшой группой людей"),
    "uk": ("Цей вміст зараз недоступний", "Зараз цей вміст недоступний", "Цей вміст недоступний",
           "Сторінку, яку ви запитали, зараз неможливо відобразити", "Ця сторінка недоступна",
           "Зазвичай це відбувається, якщо власник поділився вмістом лише з невеликою групою людей"),
    "ar": ("هذا المحتوى غير متاح الآن", "هذا المحتوى غير متوفر الآن", "هذا المحتوى غير متاح حاليًا",
           "هذا المحتوى غير متوفر حاليًا", "هذا المحتوى غير متاح", "هذا المحتوى غير متوفر",
           "لا يمكن عرض الصفحة التي طلبتها الآن", "هذه الصفحة غير متاحة",
           "يحدث هذا عادةً لأن المالك قام فقط بمشاركته مع مجموعة صغيرة من الأشخاص"),
}
BLOCKED_PHRASES = ("You're temporarily blocked", "You've been temporarily blocked", "You're Temporarily Blocked",
                   "Estás bloqueado temporalmente", "Vous êtes temporairement bloqué",
                   "Du wurdest vorübergehend blockiert", "Você está temporariamente bloqueado",
                   "Вы временно заблокированы", "Вас тимчасово заблоковано", "تم حظرك مؤقتًا")
_GONE = tuple(normalise_phrase(p) for phrases in GONE_PHRASES.values() for p in phrases)
_BLOCKED = tuple(normalise_phrase(p) for p in BLOCKED_PHRASES)
_LOGIN_TITLES = re.compile(
    r"^(log ?in(to| to)? facebook|facebook\s*[-–|]\s*log ?in|log ?in or sign up|facebook\s*[-–|]\s*log in or sign up)",
    re.I)


def _is_login_page(final_url: str, reading: Reading) -> bool:
    """Facebook's login page, reached by a redirect or served in the post's place."""
    path = urlsplit(final_url or "").path
    if path.startswith(("/login", "/checkpoint")) or path.endswith("/login.php"):
        return True
    meta = reading.page
    canonical = urlsplit(meta.canonical).path if meta is not None else ""
    return bool(_LOGIN_TITLES.search(reading.title)) or canonical.startswith("/login")


def _has_login_form(reading: Reading) -> bool:
    document = reading.page.document if reading.page is not None else None
    return document is not None and document.css_first(
        'form#login_form, input[name="pass"], form[action*="/login"]') is not None


def classify(responses: Mapping[str, Response]) -> Classification:
    """One look at a post. Logged out, Facebook never proves a deletion: its "content isn't
    available" page is the same for a deleted post and a narrowed audience (`UNAVAILABLE`)."""
    oembed = responses.get("oembed")
    if oembed is not None and oembed.status == 200:
        body = oembed.json()
        if isinstance(body, dict) and body.get("html"):
            # Facebook's oEmbed (configured with an app token) still embeds the post:
            # it is there, whatever the logged-out page shows.
            return Classification(Outcome.ALIVE, (Signal("oembed", 200, "post"),), "oEmbed returned the post")
    page = responses.get("page")
    if page is None:
        return Classification(Outcome.ERROR, (), "the post page was not fetched")
    if page.status is None:
        why = page.error or "no response"
        signal = (Signal("page", None, why),)
        if page.backoff:
            return Classification(Outcome.RATE_LIMITED, signal, why)
        return Classification(Outcome.ERROR, signal, f"the post page could not be fetched: {why}")
    status = page.status
    if not 100 <= status <= 599:
        return Classification(Outcome.ERROR, (Signal("page", status, page.problem),),
                              f"the post page could not be read: {page.problem}")
    if status == 429:
        return Classification(Outcome.RATE_LIMITED, (Signal("page", status, "rate_limited"),))
    if status >= 500:
        return Classification(Outcome.ERROR, (Signal("page", status, "server error"),))
    if status in (401, 403):
        return _login_wall(status)
    if status not in (200, 404, 410):
        why = page.problem or f"HTTP {status}"
        return Classification(Outcome.ERROR, (Signal("page", status, why),), f"the post page could not be read: {why}")
    seen = examine(_key_hint(page), page)
    if seen.login_page:
        return _login_wall(status)
    if seen.blocked:
        return Classification(Outcome.RATE_LIMITED, (Signal("page", status, "temporarily blocked"),),
                              "Facebook says we are temporarily blocked; nothing learned about the post")
    if status == 200 and seen.shows_post:
        if seen.title_gone:
            return Classification(
                Outcome.ERROR, (Signal("page", status, "contradictory page"),),
                "the page shows the post but is titled as unavailable: ambiguous",
                anomaly="a page both showing the post and titled as unavailable")
        # A live post may share one that is gone ("This content isn't available" in its
        # attachment): the post itself is on the page, so it is alive.
        return Classification(Outcome.ALIVE, (Signal("page", status, "post"),), "the post page shows the post")
    if seen.gone:
        return Classification(
            Outcome.UNAVAILABLE, (Signal("page", status, f"says: {seen.gone[0]}"),),
            "Facebook no longer shows the post; logged out, a deletion and a narrowed audience look the same")
    if status in (404, 410):
        return Classification(
            Outcome.UNAVAILABLE, (Signal("page", status, f"HTTP {status}"),),
            f"Facebook answered HTTP {status}; logged out, a deletion and a narrowed audience look the same")
    if seen.login_form:
        return _login_wall(status)
    return Classification(
        Outcome.ERROR, (Signal("page", status, "unrecognised page"),),
        "the page holds no post and no known error: ambiguous", anomaly="a page of no known shape")


def _login_wall(status: int) -> Classification:
    return Classification(Outcome.LOGIN_WALL, (Signal("page", status, "login_wall"),),
                          "Facebook asked to log in; nothing learned about the post")


def _key_hint(page: Response) -> str:
    """The post key of the URL the page was asked for (classify gets responses, not the post)."""
    try:
        ref = recognise(parse_url(page.url))
    except (UnsupportedURL, ValueError):
        ref = None
    return ref.key if ref is not None else ""


# --- the platform --------------------------------------------------------

_EMBEDS = "div.fb-post[data-href], div.fb-video[data-href]"
_PLUGINS = ("/plugins/post.php", "/plugins/video.php")


class Facebook:
    """Facebook, as `archiver.platforms.base.Platform`."""

    name = NAME
    main_roles = ("page",)
    controls = CONTROLS
    settings = (OEMBED_TOKEN,)

    def recognise(self, url: WebURL) -> PostRef | None:
        return recognise(url)

    def plan(self, ref: PostRef, purpose: Purpose, options: Mapping[str, str]) -> list[FetchRequest]:
        return plan(ref, purpose, options.get(OEMBED_TOKEN.env, ""))

    def followups(self, ref: PostRef, responses: Mapping[str, Response], data: PostData | None,
                  purpose: Purpose) -> list[FetchRequest]:
        return followups(ref, responses, data, purpose)

    def parse(self, ref: PostRef, responses: Mapping[str, Response]) -> PostData:
        return parse(ref, responses)

    def classify(self, ref: PostRef, responses: Mapping[str, Response]) -> Classification:
        return classify(responses)

    def identity(self, key: str, url: str) -> tuple[str, str]:
        return post_identity(key, url)

    def embedded(self, page: PageMeta) -> list[str]:
        """Posts in Facebook's embed markup (``<div class="fb-post" data-href=…>``)."""
        return [(node.attributes.get("data-href") or "").strip() for node in page.document.css(_EMBEDS)]

    def unwrap(self, url: str) -> str | None:
        """Facebook's plugin frames (``/plugins/post.php?href=…``) show the post ``href``."""
        parts = urlsplit(url)
        if (parts.hostname or "").lower() in ("www.facebook.com", "facebook.com") and parts.path in _PLUGINS:
            return parse_qs(parts.query).get("href", [None])[0]
        return None


PLATFORM = Facebook()
