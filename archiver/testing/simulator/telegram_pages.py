"""Telegram's logged-out pages, as the simulator serves them: a post's embed widget, its
landing page, a channel's landing page and its web preview.

The landing pages follow recorded ones (2020 raw bytes, 2024 rendered); the widget and the
preview follow the markup of recorded t.me/s/ pages and the widget's documented error block
(no byte-exact recording of the widget exists). Every post here is made up.
"""

from __future__ import annotations

import html
from datetime import UTC

from archiver.testing.simulator.content import SimPost

TG_CDN = "https://cdn4.telesco.pe"
_FOOT = "<!-- page generated in 3.14ms -->\n"


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _channel(post: SimPost) -> str:
    return post.key.split("/", 1)[0]


def _number(post: SimPost) -> str:
    return post.key.split("/", 1)[1]


def _message(post: SimPost, serial: int) -> str:
    """One message as the widget and the preview show it (tgme_widget_message…)."""
    channel, number = _channel(post), _number(post)
    when = post.created.astimezone(UTC)
    media = "".join(
        # CDN tokens rotate between answers, as telesco.pe's do.
        f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{channel}/{number}'
        f'?single" style="width:320px;background-image:url(\'{TG_CDN}/file/{_e(name)}'
        f"?token=t{serial}')\"></a>"
        for name in post.photos
    )
    if post.video:
        media += (
            f'<a class="tgme_widget_message_video_player" href="https://t.me/{channel}/{number}">'
            f'<i class="tgme_widget_message_video_thumb" style="background-image:url(\''
            f"{TG_CDN}/file/poster-{_e(post.video)}.png?token=t{serial}')\"></i>"
            f'<video src="{TG_CDN}/file/{_e(post.video)}?token=t{serial}" width="100%"></video>'
            "</a>"
        )
    reply = ""
    if post.reply_to_id:
        reply = (
            f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/'
            f'{_e(post.reply_to_id)}"><div class="tgme_widget_message_text">…</div></a>'
        )
    text = "<br/>".join(_e(line) for line in post.current_text.split("\n"))
    edited = '<span class="tgme_widget_message_meta">edited </span>' if post.edited_text else ""
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
        f'data-post="{channel}/{number}" data-view="c2ltdWxhdGVk">'
        '<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author '
        f'accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{channel}">'
        f'<span dir="auto">{_e(post.name)}</span></a></div>{reply}{media}'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        '<div class="tgme_widget_message_info short js-message_info">'
        '<span class="tgme_widget_message_views">1.2K</span><span class="copyonly"> views</span>'
        f'{edited}<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
        f'href="https://t.me/{channel}/{number}"><time datetime="'
        f'{when.strftime("%Y-%m-%dT%H:%M:%S+00:00")}" class="time">{when:%H:%M}</time></a>'
        "</span></div></div></div></div></div>"
    )


def _widget_frame(inner: str) -> str:
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>Telegram Widget</title>'
        '\n<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        '<link href="//telegram.org/css/widget-frame.css?72" rel="stylesheet" media="screen">'
        '\n</head>\n<body class="widget_frame_base tgme_widget body_widget_post emoji_image '
        f'nodark">\n{inner}\n<script src="//telegram.org/js/widget-frame.js?65"></script>\n'
        f"</body>\n</html>\n{_FOOT}"
    )


def widget(post: SimPost, serial: int) -> str:
    return _widget_frame(_message(post, serial))


def widget_error(text: str = "Post not found") -> str:
    return _widget_frame(
        f'<div class="tgme_widget_message_error js-widget_message_error">{_e(text)}</div>'
    )


def landing(post: SimPost, channel_title: str, serial: int) -> str:
    """A post's landing page: og: tags carry the channel's title and the post's text, no date;
    the body has only the widget script (raw bytes, before any browser ran it)."""
    channel, number = _channel(post), _number(post)
    image = (
        f"{TG_CDN}/file/{post.photos[0]}?token=t{serial}"
        if post.photos
        else f"{TG_CDN}/file/avatar-{channel}.jpg"
    )
    return (
        '<!DOCTYPE html>\n<html>\n  <head>\n    <meta charset="utf-8">\n'
        f"    <title>Telegram: Contact @{channel}</title>\n"
        f'    <meta property="og:title" content="{_e(channel_title)}">\n'
        f'    <meta property="og:image" content="{_e(image)}">\n'
        '    <meta property="og:site_name" content="Telegram">\n'
        f'    <meta property="og:description" content="{_e(post.current_text)}">\n'
        f'    <meta property="twitter:description" content="{_e(post.current_text)}\n">\n'
        f'    <meta property="al:ios:url" content="tg://resolve?domain={channel}&amp;post='
        f'{number}">\n  </head>\n  <body class="no_transition">\n'
        '    <div class="tgme_page_wrap"><div class="tgme_page tgme_page_post">'
        '<div class="tgme_page_widget" id="widget"><script async '
        'src="https://telegram.org/js/telegram-widget.js?22" '
        f'data-telegram-post="{channel}/{number}" data-width="100%"></script></div>'
        f'<div class="tgme_page_context_btn"><a href="/s/{channel}/{number}">Context</a></div>'
        f"</div></div>\n  </body>\n</html>\n{_FOOT}"
    )


def channel_landing(channel: str, title: str | None) -> str:
    """A channel's landing page; without a title it is Telegram's page for a name no public
    channel has (``If you have Telegram, you can contact @… right away.``)."""
    if title is None:
        body = (
            '<div class="tgme_page"><div class="tgme_page_description">If you have '
            f'<strong>Telegram</strong>, you can contact <a class="tgme_username_link" '
            f'href="tg://resolve?domain={channel}">@{channel}</a> right away.</div></div>'
        )
        head_title = f"Telegram: Contact @{channel}"
    else:
        body = (
            f'<div class="tgme_page"><div class="tgme_page_title"><span dir="auto">{_e(title)}'
            '</span></div><div class="tgme_page_extra">5 012 subscribers</div>'
            f'<a class="tgme_page_context_link" href="/s/{channel}">Preview channel</a></div>'
        )
        head_title = f"Telegram: Contact @{channel}"
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{head_title}</title>'
        f'</head><body class="no_transition"><div class="tgme_page_wrap">{body}</div>'
        f"</body></html>\n{_FOOT}"
    )


def preview(channel: str, title: str, posts: list[SimPost], serial: int) -> str:
    """t.me/s/{channel}: the channel box and its posts, oldest first."""
    messages = "".join(_message(p, serial) for p in posts)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{_e(title)} – Telegram'
        f'</title><meta property="og:title" content="{_e(title)}"></head><body>'
        '<div class="tgme_channel_info"><div class="tgme_channel_info_header_title">'
        f'<span dir="auto">{_e(title)}</span></div><div class="tgme_channel_info_header_'
        f'username"><a href="https://t.me/{channel}">@{channel}</a></div></div>'
        f'<section class="tgme_channel_history js-message_history">{messages}</section>'
        f"</body></html>\n{_FOOT}"
    )


UNKNOWN_WIDGET = _widget_frame('<div class="tgme_widget_message_v2_shell">…</div>')
