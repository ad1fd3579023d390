"""Facebook's logged-out pages as the simulator serves them, in the shapes of real ones.

Each layout follows a page recorded by another project (see the README's list of
shapes): a www permalink whose "recent posts" column shows other posts' times
first; a video page titled "… en Facebook Watch" with ld+json; an m. group
permalink whose time is only in an HTML-escaped ``publish_time``; an mbasic
photo post with no machine-readable time; an m. post with no ``og:`` tags whose
content ships in HTML comments. Image URLs are re-signed and re-sized on every
request, as fbcdn's are. The "content isn't available" page comes in several
forms and languages.

This module has no knowledge of archiver's parsers: it is the model of the
platform that they are tested against.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from typing import Any

from archiver.testing.simulator.content import SimPost

LAYOUTS = ("www", "video", "group", "mphoto", "noog")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _cdn_image(cdn: str, name: str, serial: int, avatar: bool = False) -> str:
    """An fbcdn-style URL: the file name is stable; size and signature change per request."""
    size = ("p200x200", "p206x206", "s206x206")[serial % 3]
    family = "t39.30808-1" if avatar else "t39.30808-6"
    return (
        f"{cdn}/v/{family}/{size}/{name}?_nc_cat={serial % 9 + 1}&_nc_sid=8024bb"
        f"&oh=00_{serial:08x}{len(name):04x}&oe={0x63000000 + serial:08X}"
    )


def _stamp(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp())


def post_page(post: SimPost, cdn: str, serial: int) -> str:
    """The page a logged-out visitor gets for a live post, in the post's layout."""
    layout = post.fb_layout if post.fb_layout in LAYOUTS else "www"
    return {"www": _www, "video": _video, "group": _group, "mphoto": _mphoto, "noog": _noog}[
        layout
    ](post, cdn, serial)


def _post_id(post: SimPost) -> str:
    return post.key.rsplit(":", 1)[-1]


def _og_image(post: SimPost, cdn: str, serial: int) -> str:
    # A post without a picture of its own gets the Page's avatar as og:image.
    if post.photos:
        return _cdn_image(cdn, post.photos[0], serial)
    return _cdn_image(cdn, f"avatar_{post.handle}.png", serial, avatar=True)


def _www(post: SimPost, cdn: str, serial: int) -> str:
    """The desktop permalink page of 2020 (noscript variant): sidebar first, then the post."""
    pid = _post_id(post)
    url = f"https://www.facebook.com{post.path}"
    text = post.current_text
    short = text if len(text) <= 60 else text[:57] + "..."
    sidebar = "".join(
        '<div class="_4-u2 _74wi"><div class="_5kjo"><a '
        f'href="https://www.facebook.com/{post.handle}/">'
        f'{_e(post.name)}</a><a class="_5kjp" href="/{post.handle}/posts/{9_000_000 + n}">'
        f'<abbr data-utime="{1_650_000_000 + n * 86_400}" title="a later day">later</abbr></a>'
        f"<span>Another, more recent post of the Page.</span></div></div>"
        for n in range(3)
    )
    photo = (
        '<div class="_3x-2"><img class="scaledImageFitWidth img" '
        f'src="{_e(_cdn_image(cdn, post.photos[0], serial))}" '
        'alt="" /></div>'
        if post.photos
        else ""
    )
    payload = json.dumps(
        {
            "t": f"7.mf_story_key.{pid}:top_level_post_id.{pid}:page_insights."
            + json.dumps(
                {
                    "1": {
                        "post_context": {
                            "publish_time": _stamp(post.created),
                            "story_fbid": [int(pid) if pid.isdigit() else pid],
                        }
                    }
                }
            )
        }
    )
    return (
        f'<!DOCTYPE html><html lang="{post.lang}" id="facebook"><head><meta charset="utf-8" />'
        f'<title id="pageTitle">{_e(short)} - {_e(post.name)} | Facebook</title>'
        f'<meta name="description" content="{_e(short)}" />'
        f'<meta property="og:title" content="{_e(post.name)}" />'
        f'<meta property="og:description" content="{_e(short)}" />'
        f'<meta property="og:image" content="{_e(_og_image(post, cdn, serial))}" />'
        f'<meta property="og:url" content="{url}" /><meta property="og:locale" '
        f'content="{post.lang}_XX" />'
        f'<link rel="canonical" href="{url}" /></head><body>'
        '<form id="login_form" action="/login/device-based/regular/login/" method="post">'
        '<input type="email" name="email" /><input type="password" name="pass" /></form>'
        f'<div class="_74wj"><div class="_6yqu">Recent post from the Page</div>{sidebar}</div>'
        '<div class="_5pcr userContentWrapper"><div class="clearfix">'
        '<h5 class="_7tae _5pbw"><span class="fwb fcg"><a '
        f'href="https://www.facebook.com/{post.handle}/?fref=nf">'
        f"{_e(post.name)}</a></span></h5>"
        f'<div class="_5pcp" id="feed_subtitle_1;{pid};;9"><a class="_5pcq" '
        f'href="{post.path}?__tn__=-R">'
        f'<abbr data-utime="{_stamp(post.created)}" title="{post.created:%A, %B %d, %Y}" '
        'class="_5ptz">'
        f"{post.created:%B %d, %Y}</abbr></a></div></div>"
        '<div data-testid="post_message" class="_5pbx '
        f'userContent"><p>{_e(text)}</p></div>{photo}</div>'
        f"<script>bigPipe.onPageletArrive({payload});</script>"
        "<!-- simulated by archiver's local simulator --></body></html>"
    )


def _video(post: SimPost, cdn: str, serial: int) -> str:
    """A Page's video page: og:title "… en Facebook Watch", related videos first, ld+json."""
    pid = _post_id(post)
    url = f"https://www.facebook.com{post.path}"
    text = post.current_text
    thumb = _cdn_image(cdn, post.photos[0] if post.photos else f"thumb_{pid}.jpg", serial)
    video_name = post.video or f"video_{pid}.mp4"
    video = f"{cdn}/v/t42.1790-2/{video_name}?_nc_cat=109&oh=00_{serial:08x}&oe=5F6BEBD6"
    created = post.created.astimezone(UTC).isoformat()
    ld = {
        "@type": "VideoObject",
        "name": f"{post.name} - {text[:40]}...",
        "description": text,
        "thumbnailUrl": thumb,
        "uploadDate": created,
        "datePublished": created,
        "contentUrl": video,
        "author": {
            "@type": "Organization",
            "name": post.name,
            "url": f"https://www.facebook.com/{post.handle}/",
        },
    }
    related = "".join(
        '<div class="_8is5"><h2><a '
        f'href="https://www.facebook.com/{post.handle}/videos/{8_000_000 + n}/">'
        '<span>A related video</span></a></h2></div><div class="_50f7"><a '
        f'href="/watch/{post.handle}/">'
        f'{_e(post.name)}</a></div><div class="_50f8">25 views · <abbr '
        f'data-utime="{1_591_257_358 + n}">'
        "June 4, 2020</abbr></div>"
        for n in range(2)
    )
    story = (
        f'<div class="_5pcr userContentWrapper"><h5><span class="fwb"><a class="profileLink" '
        f'href="https://www.facebook.com/{post.handle}/?ref=nf_target">{_e(post.name)}</a></span></h5>'
        '<div class="_5pcp"><a '
        f'href="https://www.facebook.com/{post.handle}/videos/{pid}/?__tn__=-R" class="_5pcq">'
        f'<abbr data-utime="{_stamp(post.created)}">{post.created:%B %d, %Y}</abbr></a></div>'
        f'<div data-testid="post_message" class="_5pbx userContent"><p>{_e(text)}</p></div></div>'
    )
    return (
        '<!DOCTYPE html><html lang="en" id="facebook"><head><meta charset="utf-8" />'
        f'<title id="pageTitle">{_e(post.name)} - {_e(text[:40])}...</title>'
        '<meta property="og:type" content="video.other" />'
        f'<meta property="og:video" content="{_e(video)}" /><meta property="og:video:secure_url" '
        f'content="{_e(video)}" />'
        f'<meta property="og:url" content="{url}" /><meta property="og:site_name" '
        'content="Facebook Watch" />'
        f'<meta property="og:title" content="{_e(post.name)} en Facebook Watch" />'
        f'<meta property="og:description" content="{_e(text)}" />'
        f'<meta property="og:image" content="{_e(thumb)}" /><link rel="canonical" href="{url}" '
        "/></head><body>"
        f'<div class="_8is0">{related}</div>'
        f'<div class="hidden_elem"><code id="u_0_1m"><!-- {story} --></code></div>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        "<!-- simulated by archiver's local simulator --></body></html>"
    )


def _group(post: SimPost, cdn: str, serial: int) -> str:
    """An m. group permalink: og:title is "Group : text", the time only in escaped data-ft."""
    pid = _post_id(post)
    group = post.group or "somegroup"
    url = f"https://www.facebook.com/groups/{group}/permalink/{pid}/"
    text = post.current_text
    data_ft = json.dumps(
        {
            "top_level_post_id": pid,
            "page_insights": {
                "1": {
                    "page_id_type": "group",
                    "post_context": {"publish_time": _stamp(post.created), "story_fbid": [pid]},
                }
            },
        }
    )
    avatar = _cdn_image(cdn, f"avatar_{post.handle}.jpg", serial, avatar=True)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{_e(group)} public group | Facebook</title>'
        f'<meta property="og:title" content="{_e(group)} : {_e(text[:60])}..." />'
        f'<meta property="og:description" content="{_e(text)}" />'
        f'<meta property="og:url" content="{url}" /><link rel="canonical" href="{url}" '
        "/></head><body>"
        f'<a href="/login/?next={url}">Log In</a>'
        f'<div id="m_story_permalink_view"><div class="_5rgr" data-ft="{_e(data_ft)}">'
        '<div class="story_body_container"><header>'
        f'<img src="{_e(avatar)}" class="_1-yc profpic img" alt="{_e(post.name)}, profile picture" '
        "/>"
        f'<h3><strong><a href="/{post.handle}?refid=18">{_e(post.name)}</a></strong> posted in '
        f'<strong><a href="https://m.facebook.com/groups/{group}/">{_e(group)}</a></strong></h3>'
        f'<div><a href="https://m.facebook.com/groups/{group}/permalink/{pid}/">'
        f"<abbr>{post.created:%d %B %Y}</abbr></a></div>"
        f'</header><div class="_5rgt _5nk5"><div><p>{_e(text)}</p></div></div></div></div></div>'
        "<!-- simulated by archiver's local simulator --></body></html>"
    )


def _mphoto(post: SimPost, cdn: str, serial: int) -> str:
    """An mbasic photo post of 2018: og: tags, the text, and no machine-readable time at all."""
    pid = _post_id(post)
    image = _og_image(post, cdn, serial)
    url = f"https://www.facebook.com/{post.handle}/photos/p.{pid}/{pid}/?type=3"
    text = post.current_text
    return (
        '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html PUBLIC "-//WAPFORUM//DTD XHTML '
        'Mobile 1.0//EN" '
        '"http://www.wapforum.org/DTD/xhtml-mobile10.dtd"><html '
        'xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>{_e(post.name)} - {_e(text)} | Facebook</title>"
        f'<meta property="og:title" content="{_e(post.name)}" /><meta property="og:description" '
        f'content="{_e(text)}" />'
        f'<meta property="og:image" content="{_e(image)}" /><meta property="og:url" '
        f'content="{url}" /></head><body>'
        f'<div id="MPhotoContent"><div class="bh"><a href="/{post.handle}/?__tn__=%2Cg" class="bm">'
        f'<strong class="bn">{_e(post.name)}</strong></a><br /><div class="bo">{_e(text)}</div>'
        f"<abbr>{post.created:%d %b}</abbr></div></div>"
        "<!-- simulated by archiver's local simulator --></body></html>"
    )


def _noog(post: SimPost, cdn: str, serial: int) -> str:
    """An m. post page of 2021 with no og: tags; the post ships in BigPipe comments."""
    pid = _post_id(post)
    text = post.current_text
    object_id = json.dumps({"object_id": int(pid) if pid.isdigit() else pid})
    stage = f'<div class="_57-o" data-store="{_e(object_id)}"></div>'
    story = (
        f'<div class="_2vj7 voice acw"><div class="c"><div class="msg"><a class="actor-link" '
        f'href="/{post.handle}/?__tn__=%2Cg"><strong class="actor">{_e(post.name)}</strong></a><br '
        "/>"
        f'<div>{_e(text)}</div></div><div class="desc attachment"><abbr data-store="'
        f'{_e(json.dumps({"time": _stamp(post.created), "short": False}))}">'
        f"{post.created:%b %d}</abbr>"
        "</div></div></div>"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{_e(post.name)} - {_e(text)} | '
        "Facebook</title>"
        f'<meta name="description" content="{_e(text)}" /></head><body>'
        f'<div class="hidden_elem"><code id="u_0_y"><!-- {stage} --></code></div>'
        f'<div class="hidden_elem"><code id="u_0_z"><!-- {story} --></code></div>'
        "<!-- simulated by archiver's local simulator --></body></html>"
    )


# --- "This content isn't available" -----------------------------------------

# What Facebook shows logged-out visitors in each locale (heading, explanation).
UNAVAILABLE_WORDING: dict[str, tuple[str, str]] = {
    "en": (
        "This content isn’t available right now",
        "When this happens, it’s usually because the owner only shared it with a small group of "
        "people, "
        "changed who can see it or it’s been deleted.",
    ),
    "es": (
        "Este contenido no está disponible en este momento",
        "Por lo general, esto sucede porque el propietario solo compartió el contenido con un "
        "grupo reducido "
        "de personas, cambió quién puede verlo o este se eliminó.",
    ),
    "fr": (
        "Ce contenu n’est pas disponible pour le moment",
        "Généralement, cela se produit lorsque le propriétaire a partagé le contenu avec un petit "
        "groupe de "
        "personnes uniquement, a modifié les personnes autorisées à le voir ou l’a supprimé.",
    ),
    "de": (
        "Dieser Inhalt ist momentan nicht verfügbar",
        "Dies passiert in der Regel, wenn der Eigentümer den Inhalt nur mit einer kleinen "
        "Personengruppe "
        "geteilt bzw. die Zielgruppe geändert hat oder der Inhalt gelöscht wurde.",
    ),
    "pt": (
        "Este conteúdo não está disponível no momento",
        "Isso geralmente acontece porque o proprietário compartilhou o conteúdo apenas com um "
        "grupo pequeno "
        "de pessoas, alterou quem pode vê-lo ou o excluiu.",
    ),
    "ru": (
        "Этот контент сейчас недоступен",
        "Обычно это происходит, если владелец поделился контентом с небольшой группой людей, "
        "изменил "
        "настройки доступа или удалил контент.",
    ),
    "uk": (
        "Цей вміст зараз недоступний",
        "Зазвичай це відбувається, якщо власник поділився вмістом лише з невеликою групою людей, "
        "змінив "
        "налаштування доступу або видалив вміст.",
    ),
    "ar": (
        "هذا المحتوى غير متاح الآن",
        "يحدث هذا عادةً لأن المالك قام فقط بمشاركته مع مجموعة صغيرة من الأشخاص أو قام بتغيير من "
        "يمكنه "
        "رؤيته أو تم حذفه.",
    ),
}
GONE_FORMS = ("body_json", "json_only", "title", "mbasic")


def unavailable_page(locale: str = "en", form: str = "body_json", post_id: str = "") -> str:
    """The page for a deleted (or audience-narrowed) post.

    ``body_json``: titled just "Facebook", the wording in the body and the JSON payload (2023 on);
    ``json_only``: the body empty until scripts render it; ``title``: titled with the wording
    (older pages); ``mbasic``: "The page you requested cannot be displayed right now".
    """
    if form == "mbasic":
        return (
            '<?xml version="1.0" encoding="utf-8"?><html '
            'xmlns="http://www.w3.org/1999/xhtml"><head>'
            '<title>Content Not Found</title></head><body><div id="root" role="main"><div>The page '
            "you requested "
            "cannot be displayed right now. It may be temporarily unavailable, the link you "
            "clicked on may be "
            "broken or expired, or you may not have permission to view this page.</div>"
            '<a href="/home.php">Back to previous page</a></div></body></html>'
        )
    heading, explanation = UNAVAILABLE_WORDING.get(locale, UNAVAILABLE_WORDING["en"])
    data: dict[str, Any] = {
        "require": [
            [
                "RelayPrefetchedStreamCache",
                "next",
                [],
                [
                    "adp_CometErrorRootQueryRelayPreloader",
                    {
                        "__bbox": {
                            "result": {
                                "data": {
                                    "route": {"params": {"story_fbid": post_id}},
                                    "error_page": {"title": heading, "body": explanation},
                                }
                            }
                        }
                    },
                ],
            ]
        ]
    }
    payload = json.dumps(data, ensure_ascii=True)  # \u escapes, as Facebook's payload has them
    title = _e(heading) if form == "title" else "Facebook"
    body = (
        ""
        if form == "json_only"
        else (
            f'<div role="main"><span dir="auto">{_e(heading)}</span><span '
            f'dir="auto">{_e(explanation)}</span>'
            '<a href="/"><span>Go to Feed</span></a></div>'
        )
    )
    direction = "rtl" if locale == "ar" else "ltr"
    return (
        f'<!DOCTYPE html><html id="facebook" lang="{locale}" dir="{direction}"><head><meta '
        'charset="utf-8" />'
        f'<title>{title}</title><meta property="og:site_name" content="Facebook" '
        f"/></head><body>{body}"
        f'<script type="application/json" data-sjs>{payload}</script></body></html>'
    )


LOGIN_PAGE = (
    '<!DOCTYPE html><html lang="en" id="facebook"><head><meta charset="utf-8" />'
    '<title id="pageTitle">Log into Facebook</title>'
    '<meta property="og:site_name" content="Facebook" />'
    '<link rel="canonical" href="https://www.facebook.com/login/web/" /></head><body>'
    '<form id="login_form" action="/login/device-based/regular/login/" method="post">'
    '<input type="text" name="email" /><input type="password" name="pass" /></form></body></html>'
)

UNKNOWN_SHAPE = (
    '<!DOCTYPE html><html lang="en" id="facebook"><head><meta charset="utf-8" '
    "/><title>Facebook</title></head>"
    '<body><div id="root"><div data-pagelet="NewThing">A layout no parser has seen.</div></div>'
    '<script type="application/json">'
    '{"require":[["NewBootloader","load",[],[{"layout":"v2099"}]]]}</script>'
    "</body></html>"
)
