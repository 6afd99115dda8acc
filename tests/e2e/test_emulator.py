"""The Bot API emulator answers like api.telegram.org: shapes, errors, polling, files, limits."""

from __future__ import annotations

import asyncio
import io
import json

import pytest

from tests.e2e.emulator_helpers import TOKEN, Emu, in_process, png

NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


@pytest.fixture
async def emu() -> Emu:  # type: ignore[misc]
    """An in-process emulator with flood limits off."""
    async with in_process() as emulator:
        yield emulator


# --- identity, tokens, unknown methods ---------------------------------------------------------


async def test_get_me_is_the_configured_bot_with_the_token_id() -> None:
    async with in_process(bot_username="ezhou_check_bot") as emu:
        me = await emu.ok("getMe")
    assert me["id"] == 123456789
    assert me["is_bot"] is True
    assert me["username"] == "ezhou_check_bot"


async def test_bad_token_is_401_and_unknown_method_is_telegrams_404(emu: Emu) -> None:
    response = await emu.http.post("/bot12345:short/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    response = await emu.bot("sendSticker", chat_id=1, sticker="x")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    response = await emu.http.get("/no/such/path")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


async def test_method_names_are_case_insensitive_and_get_with_query_works(emu: Emu) -> None:
    response = await emu.http.get(f"/bot{TOKEN}/GETME")
    assert response.json()["result"]["is_bot"] is True
    chat = await emu.user()
    response = await emu.http.get(f"/bot{TOKEN}/sendMessage",
                                  params={"chat_id": chat, "text": "查询串"})
    assert response.json()["result"]["text"] == "查询串"


# --- sendMessage checks ------------------------------------------------------------------------


async def expect_400(emu: Emu, method: str, description: str, **params: object) -> None:
    response = await emu.bot(method, **params)
    assert response.status_code == 400, response.json()
    assert response.json() == {"ok": False, "error_code": 400, "description": description}


async def test_send_message_refuses_what_telegram_refuses(emu: Emu) -> None:
    chat = await emu.user()
    await expect_400(emu, "sendMessage", "Bad Request: chat not found", chat_id=999, text="x")
    await expect_400(emu, "sendMessage", "Bad Request: chat_id is empty", text="x")
    await expect_400(emu, "sendMessage", "Bad Request: message text is empty", chat_id=chat)
    await expect_400(emu, "sendMessage", "Bad Request: message text is empty",
                     chat_id=chat, text="  \n ")
    await expect_400(emu, "sendMessage", "Bad Request: message is too long",
                     chat_id=chat, text="检" * 4097)
    await expect_400(
        emu, "sendMessage",
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"",
        chat_id=chat, text="<b>任务", parse_mode="HTML")
    await expect_400(
        emu, "sendMessage",
        "Bad Request: can't parse entities: Unsupported start tag \"table\" at byte offset 0",
        chat_id=chat, text="<table>", parse_mode="HTML")
    await expect_400(
        emu, "sendMessage",
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with "
        "the preceding '\\'",
        chat_id=chat, text="截止 3.5", parse_mode="MarkdownV2")
    await expect_400(emu, "sendMessage", "Bad Request: unsupported parse_mode",
                     chat_id=chat, text="x", parse_mode="BBCode")
    assert await emu.messages(chat) == []  # nothing refused was stored
    sent = await emu.ok("sendMessage", chat_id=chat, text="检" * 4096)
    assert len(sent["text"]) == 4096


async def test_callback_data_limit_is_64_bytes_not_characters(emu: Emu) -> None:
    chat = await emu.user()

    def keyboard(data: str) -> dict[str, object]:
        return {"inline_keyboard": [[{"text": "详情", "callback_data": data}]]}

    await expect_400(emu, "sendMessage", "Bad Request: BUTTON_DATA_INVALID",
                     chat_id=chat, text="x", reply_markup=keyboard("任" * 22))  # 66 bytes
    await expect_400(emu, "sendMessage", "Bad Request: BUTTON_DATA_INVALID",
                     chat_id=chat, text="x", reply_markup=keyboard("a" * 65))
    sent = await emu.ok("sendMessage", chat_id=chat, text="x", reply_markup=keyboard("a" * 64))
    assert sent["reply_markup"] == keyboard("a" * 64)
    await expect_400(
        emu, "sendMessage",
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the "
        "inline keyboard",
        chat_id=chat, text="x", reply_markup={"inline_keyboard": [[{"text": "只有文字"}]]})
    await expect_400(emu, "sendMessage", "Bad Request: BUTTON_URL_INVALID", chat_id=chat,
                     text="x", reply_markup={"inline_keyboard": [[{"text": "地图",
                                                                    "url": "javascript:1"}]]})


async def test_html_message_is_stored_as_text_with_utf16_entities(emu: Emu) -> None:
    chat = await emu.user()
    sent = await emu.ok(
        "sendMessage", chat_id=chat, parse_mode="HTML",
        text='😀 <b>任务</b> <a href="https://example.org/t/1">详情</a> &lt;3 /help')
    assert sent["text"] == "😀 任务 详情 <3 /help"
    assert sent["entities"] == [
        {"offset": 3, "length": 2, "type": "bold"},
        {"offset": 6, "length": 2, "type": "text_link", "url": "https://example.org/t/1"},
        {"type": "bot_command", "offset": 12, "length": 5},
    ]
    assert sent["from"]["is_bot"] is True
    assert sent["chat"] == {"id": chat, "first_name": "张三", "type": "private"}


async def test_reply_parameters_and_reply_keyboards(emu: Emu) -> None:
    chat = await emu.user()
    asked = await emu.send(chat, "我的任务")
    sent = await emu.ok("sendMessage", chat_id=chat, text="好的",
                        reply_parameters={"message_id": asked["message_id"]},
                        reply_markup={"keyboard": [["/tasks", {"text": "位置",
                                                               "request_location": True}]],
                                      "resize_keyboard": True})
    assert sent["reply_to_message"]["text"] == "我的任务"
    assert "reply_markup" not in sent  # Telegram echoes only inline keyboards
    state = (await emu.http.get(f"/control/chats/{chat}/state")).json()
    assert state["reply_keyboard"]["keyboard"][0][1] == {"text": "位置",
                                                         "request_location": True}
    await emu.ok("sendMessage", chat_id=chat, text="收起", reply_markup={"remove_keyboard": True})
    state = (await emu.http.get(f"/control/chats/{chat}/state")).json()
    assert state["reply_keyboard"] is None
    await expect_400(emu, "sendMessage", "Bad Request: message to be replied not found",
                     chat_id=chat, text="x", reply_parameters={"message_id": 999})


# --- long polling ------------------------------------------------------------------------------


async def test_get_updates_waits_for_a_message_and_offset_confirms(emu: Emu) -> None:
    user = await emu.user()
    poll = asyncio.create_task(emu.bot("getUpdates", timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()  # long polling: nothing yet, so the request waits
    sent = await emu.send(user, "/start tok_ABC-123")
    updates = (await asyncio.wait_for(poll, 5)).json()["result"]
    assert [u["update_id"] for u in updates] == [sent["update_id"]]
    message = updates[0]["message"]
    assert message["text"] == "/start tok_ABC-123"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {"id": user, "is_bot": False, "first_name": "张三",
                               "language_code": "zh-hans"}
    # not confirmed yet: the same update comes again; confirmed: gone
    again = await emu.ok("getUpdates", timeout=0)
    assert [u["update_id"] for u in again] == [sent["update_id"]]
    assert await emu.ok("getUpdates", offset=sent["update_id"] + 1, timeout=0) == []
    assert (await emu.http.get("/control/updates")).json() == []


async def test_limit_negative_offset_and_allowed_updates(emu: Emu) -> None:
    user = await emu.user()
    ids = [(await emu.send(user, f"消息{i}"))["update_id"] for i in range(5)]
    assert [u["update_id"] for u in await emu.ok("getUpdates", limit=2)] == ids[:2]
    assert [u["update_id"] for u in await emu.ok("getUpdates", offset=-1)] == ids[-1:]
    assert await emu.ok("getUpdates", offset=ids[-1] + 1, allowed_updates=["callback_query"]) \
        == []
    await emu.send(user, "不会送达")
    assert await emu.ok("getUpdates", timeout=0) == []


async def test_a_second_poller_ends_the_first_with_409(emu: Emu) -> None:
    first = asyncio.create_task(emu.bot("getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(emu.bot("getUpdates", timeout=1))
    response = await asyncio.wait_for(first, 5)
    assert response.status_code == 409
    assert response.json()["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running")
    assert (await second).json() == {"ok": True, "result": []}


# --- callbacks, edits, deletes -----------------------------------------------------------------


async def test_tap_answer_once_and_alert_text_limit(emu: Emu) -> None:
    user = await emu.user()
    sent = await emu.ok("sendMessage", chat_id=user, text="会审",
                        reply_markup={"inline_keyboard": [[
                            {"text": "同意", "callback_data": "rv:7:approve"},
                            {"text": "退回", "callback_data": "rv:7:return"}]]})
    tap = (await emu.http.post("/control/tap", json={
        "user_id": user, "message_id": sent["message_id"], "callback_data": "rv:7:approve",
    })).json()
    [update] = await emu.ok("getUpdates")
    query = update["callback_query"]
    assert query["id"] == tap["callback_query_id"]
    assert query["data"] == "rv:7:approve"
    assert query["message"]["message_id"] == sent["message_id"]
    assert query["from"]["id"] == user
    await expect_400(emu, "answerCallbackQuery", "Bad Request: MESSAGE_TOO_LONG",
                     callback_query_id=query["id"], text="长" * 201)
    assert await emu.ok("answerCallbackQuery", callback_query_id=query["id"], text="已同意",
                        show_alert=True) is True
    too_old = ("Bad Request: query is too old and response timeout expired or query ID is "
               "invalid")
    await expect_400(emu, "answerCallbackQuery", too_old, callback_query_id=query["id"])
    await expect_400(emu, "answerCallbackQuery", too_old, callback_query_id="123")
    answers = (await emu.http.get("/control/answers")).json()
    assert [(a["text"], a["show_alert"], a["data"]) for a in answers] == [
        ("已同意", True, "rv:7:approve")]
    bad = await emu.http.post("/control/tap", json={
        "user_id": user, "message_id": sent["message_id"], "callback_data": "rv:8:approve"})
    assert bad.status_code == 400


async def test_edits_not_modified_unknown_and_keyboard_removal(emu: Emu) -> None:
    user = await emu.user()
    keyboard = {"inline_keyboard": [[{"text": "详情", "callback_data": "t:1"}]]}
    sent = await emu.ok("sendMessage", chat_id=user, text="<b>任务</b>", parse_mode="HTML",
                        reply_markup=keyboard)
    mid = sent["message_id"]
    not_modified = (
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message")
    await expect_400(emu, "editMessageText", not_modified, chat_id=user, message_id=mid,
                     text="<b>任务</b>", parse_mode="HTML", reply_markup=keyboard)
    await expect_400(emu, "editMessageReplyMarkup", not_modified, chat_id=user,
                     message_id=mid, reply_markup=keyboard)
    await expect_400(emu, "editMessageText", "Bad Request: message to edit not found",
                     chat_id=user, message_id=999, text="x")
    mine = await emu.send(user, "我的消息")
    await expect_400(emu, "editMessageText", "Bad Request: message can't be edited",
                     chat_id=user, message_id=mine["message_id"], text="改")
    # the same text without bold is a change; an omitted reply_markup removes the keyboard
    edited = await emu.ok("editMessageText", chat_id=user, message_id=mid, text="任务")
    assert edited["text"] == "任务"
    assert "entities" not in edited
    assert "reply_markup" not in edited
    assert edited["edit_date"] >= edited["date"]
    listed = (await emu.messages(user))[0]
    assert listed["edited"] is True
    assert listed["reply_markup"] is None
    markup = await emu.ok("editMessageReplyMarkup", chat_id=user, message_id=mid,
                          reply_markup=keyboard)
    assert markup["reply_markup"] == keyboard


async def test_delete_message_marks_it_deleted_once(emu: Emu) -> None:
    user = await emu.user()
    sent = await emu.ok("sendMessage", chat_id=user, text="临时")
    assert await emu.ok("deleteMessage", chat_id=user, message_id=sent["message_id"]) is True
    await expect_400(emu, "deleteMessage", "Bad Request: message to delete not found",
                     chat_id=user, message_id=sent["message_id"])
    [listed] = await emu.messages(user)
    assert listed["deleted"] is True
    assert listed["text"] == "临时"


# --- files -------------------------------------------------------------------------------------


async def test_send_photo_upload_sizes_get_file_and_download(emu: Emu) -> None:
    user = await emu.user()
    response = await emu.http.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(user), "caption": "<i>现场</i>", "parse_mode": "HTML"},
        files={"photo": ("site.png", png(1600, 1200), "image/png")})
    sent = response.json()["result"]
    sizes = sent["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [
        (90, 68), (320, 240), (800, 600), (1280, 960), (1600, 1200)]
    assert sent["caption"] == "现场"
    assert sent["caption_entities"] == [{"offset": 0, "length": 2, "type": "italic"}]
    file = await emu.ok("getFile", file_id=sizes[-1]["file_id"])
    assert file["file_size"] == sizes[-1]["file_size"]
    download = await emu.http.get(f"/file/bot{TOKEN}/{file['file_path']}")
    assert download.status_code == 200
    from PIL import Image

    assert Image.open(io.BytesIO(download.content)).size == (1600, 1200)
    # the same picture again by file_id: the same sizes, no upload
    again = await emu.ok("sendPhoto", chat_id=user, photo=sizes[-1]["file_id"])
    assert again["photo"] == sizes
    await expect_400(emu, "getFile", "Bad Request: invalid file_id", file_id="AgACnope")
    await expect_400(emu, "sendPhoto", "Bad Request: wrong file identifier/HTTP URL specified",
                     chat_id=user, photo="AgACnope")
    missing = await emu.http.get(f"/file/bot{TOKEN}/photos/file_999.jpg")
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)


async def test_not_an_image_is_refused(emu: Emu) -> None:
    user = await emu.user()
    response = await emu.http.post(f"/bot{TOKEN}/sendPhoto", data={"chat_id": str(user)},
                                   files={"photo": ("x.png", b"not a picture", "image/png")})
    assert response.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


async def test_document_via_attach_reference_round_trips_bytes(emu: Emu) -> None:
    user = await emu.user()
    content = "统一社会信用代码,名称\n91420700MA4F0X1234,鄂州示例\n".encode("gb18030")
    response = await emu.http.post(
        f"/bot{TOKEN}/sendDocument",
        data={"chat_id": str(user), "document": "attach://part1"},
        files={"part1": ("名单.csv", content, "text/csv")})
    document = response.json()["result"]["document"]
    assert document["file_name"] == "名单.csv"
    assert document["file_size"] == len(content)
    file = await emu.ok("getFile", file_id=document["file_id"])
    assert (await emu.http.get(f"/file/bot{TOKEN}/{file['file_path']}")).content == content


async def test_user_photo_and_document_can_be_downloaded_by_the_bot(emu: Emu) -> None:
    user = await emu.user()
    sent = (await emu.http.post("/control/photo", data={"user_id": str(user), "caption": "整改"},
                                files={"file": ("p.jpg", png(640, 480), "image/png")})).json()
    [update] = await emu.ok("getUpdates")
    photo = update["message"]["photo"]
    assert photo[-1]["file_id"] == sent["file_id"]
    assert photo[-1]["width"] == 640
    assert update["message"]["caption"] == "整改"
    file = await emu.ok("getFile", file_id=sent["file_id"])
    assert (await emu.http.get(f"/file/bot{TOKEN}/{file['file_path']}")).status_code == 200
    doc = (await emu.http.post("/control/document", data={"user_id": str(user)},
                               files={"file": ("记录.pdf", b"%PDF-1.4 x", "application/pdf")}))
    file = await emu.ok("getFile", file_id=doc.json()["file_id"])
    assert (await emu.http.get(f"/file/bot{TOKEN}/{file['file_path']}")).content \
        == b"%PDF-1.4 x"


async def test_location_and_contact_from_users_and_location_from_the_bot(emu: Emu) -> None:
    user = await emu.user()
    await emu.http.post("/control/location", json={"user_id": user, "latitude": 30.39,
                                                   "longitude": 114.89})
    await emu.http.post("/control/contact", json={
        "user_id": user, "phone_number": "+8613800000000", "first_name": "张三"})
    updates = await emu.ok("getUpdates")
    assert updates[0]["message"]["location"] == {"latitude": 30.39, "longitude": 114.89}
    assert updates[1]["message"]["contact"] == {"phone_number": "+8613800000000",
                                                "first_name": "张三", "user_id": user}
    sent = await emu.ok("sendLocation", chat_id=user, latitude=30.4, longitude=114.9)
    assert sent["location"] == {"latitude": 30.4, "longitude": 114.9}
    await expect_400(emu, "sendLocation", "Bad Request: wrong latitude", chat_id=user,
                     latitude=91, longitude=0)


# --- commands, chat actions ----------------------------------------------------------------------


async def test_commands_per_scope_and_language(emu: Emu) -> None:
    zh = await emu.user(601, "张三", "zh-hans")
    en = await emu.user(602, "Tom", "en")
    default = [{"command": "start", "description": "开始"}, {"command": "tasks",
                                                             "description": "我的任务"}]
    english = [{"command": "tasks", "description": "My tasks"}]
    admin = [{"command": "review", "description": "会审"}]
    assert await emu.ok("setMyCommands", commands=default) is True
    assert await emu.ok("setMyCommands", commands=english, language_code="en") is True
    assert await emu.ok("setMyCommands", commands=admin,
                        scope={"type": "chat", "chat_id": zh}) is True
    assert await emu.ok("getMyCommands") == default
    assert await emu.ok("getMyCommands", language_code="en") == english
    assert await emu.ok("getMyCommands", scope={"type": "all_private_chats"}) == []

    async def menu(chat: int) -> list[dict[str, str]]:
        return list((await emu.http.get(f"/control/chats/{chat}/state")).json()["commands"])

    assert await menu(zh) == admin
    assert await menu(en) == english
    await emu.ok("deleteMyCommands", scope={"type": "chat", "chat_id": zh})
    assert await menu(zh) == default
    await expect_400(emu, "setMyCommands", "Bad Request: BOT_COMMAND_INVALID",
                     commands=[{"command": "My Tasks", "description": "x"}])
    await expect_400(emu, "setMyCommands", "Bad Request: chat not found",
                     commands=default, scope={"type": "chat", "chat_id": 42})


async def test_chat_action(emu: Emu) -> None:
    user = await emu.user()
    assert await emu.ok("sendChatAction", chat_id=user, action="typing") is True
    state = (await emu.http.get(f"/control/chats/{user}/state")).json()
    assert state["action"] == "typing"
    await expect_400(emu, "sendChatAction", "Bad Request: wrong parameter action in request",
                     chat_id=user, action="dancing")


# --- flood limits and forced failures -----------------------------------------------------------


async def test_per_chat_flood_answers_429_with_retry_after() -> None:
    async with in_process(flood=True) as emu:
        user = await emu.user()
        burst = emu.state.flood.chat_burst
        for i in range(burst):
            await emu.ok("sendMessage", chat_id=user, text=f"第{i}条")
        response = await emu.bot("sendMessage", chat_id=user, text="太快了")
        assert response.status_code == 429
        body = response.json()
        retry_after = body["parameters"]["retry_after"]
        assert isinstance(retry_after, int)
        assert retry_after >= 1
        assert body == {"ok": False, "error_code": 429,
                        "description": f"Too Many Requests: retry after {retry_after}",
                        "parameters": {"retry_after": retry_after}}
        assert len(await emu.messages(user)) == burst
        # another chat is not limited by this one
        other = await emu.user(502, "李四")
        await emu.ok("sendMessage", chat_id=other, text="你好")
        await asyncio.sleep(retry_after)
        await emu.ok("sendMessage", chat_id=user, text="等过了")
        # switched off: no limit at all
        await emu.http.post("/control/flood", json={"enabled": False})
        for i in range(20):
            await emu.ok("sendMessage", chat_id=user, text=f"关闭限流{i}")


async def test_the_emulator_counts_each_refused_message_by_the_limit_it_broke() -> None:
    async with in_process(flood=True) as emu:
        user = await emu.user()
        for i in range(emu.state.flood.chat_burst):
            await emu.ok("sendMessage", chat_id=user, text=f"第{i}条")
        counts = (await emu.http.get("/control/flood/violations")).json()
        assert counts == {"per_chat": 0, "per_bot": 0, "per_group": 0}
        for _ in range(2):
            assert (await emu.bot("sendMessage", chat_id=user, text="太快了")).status_code == 429
        counts = (await emu.http.get("/control/flood/violations")).json()
        assert counts == {"per_chat": 2, "per_bot": 0, "per_group": 0}
        await emu.http.post("/control/flood", json={"per_bot_per_second": 1})
        other = await emu.user(502, "李四")
        await emu.ok("sendMessage", chat_id=other, text="一")
        assert (await emu.bot("sendMessage", chat_id=user, text="二")).status_code == 429
        # a settings change starts the counters afresh, so only the last refusal counts
        counts = (await emu.http.get("/control/flood/violations")).json()
        assert counts == {"per_chat": 0, "per_bot": 1, "per_group": 0}


async def test_per_bot_and_per_group_limits() -> None:
    async with in_process(flood=True) as emu:
        await emu.http.post("/control/flood", json={"per_chat_per_second": 1000,
                                                    "chat_burst": 1000})
        users = [await emu.user(700 + i, f"用户{i}") for i in range(31)]
        for user in users[:30]:
            await emu.ok("sendMessage", chat_id=user, text="通知")
        response = await emu.bot("sendMessage", chat_id=users[30], text="第31条")
        assert response.status_code == 429  # about 30 messages a second per bot
        await emu.http.post("/control/flood", json={"per_bot_per_second": 1000})
        group = (await emu.http.post("/control/chats", json={
            "id": -100123, "title": "联合检查组", "members": users[:3]})).json()
        assert group == {"id": -100123, "title": "联合检查组", "type": "group"}
        for i in range(20):
            await emu.ok("sendMessage", chat_id=-100123, text=f"群消息{i}")
        response = await emu.bot("sendMessage", chat_id=-100123, text="第21条")
        assert response.status_code == 429
        assert 55 <= response.json()["parameters"]["retry_after"] <= 60  # 20 a minute


async def test_fail_next_forces_errors_for_a_method(emu: Emu) -> None:
    user = await emu.user()
    await emu.http.post("/control/fail_next", json={"method": "sendMessage", "error_code": 429,
                                                    "retry_after": 2, "count": 2})
    for _ in range(2):
        response = await emu.bot("sendMessage", chat_id=user, text="x")
        assert response.json() == {"ok": False, "error_code": 429,
                                   "description": "Too Many Requests: retry after 2",
                                   "parameters": {"retry_after": 2}}
    await emu.ok("getMe")  # other methods unaffected
    await emu.ok("sendMessage", chat_id=user, text="第三次成功")
    assert [m["text"] for m in await emu.messages(user)] == ["第三次成功"]
    await emu.http.post("/control/fail_next", json={"method": "*", "error_code": 502})
    response = await emu.bot("getMe")
    assert response.status_code == 502
    assert response.json()["description"] == "Bad Gateway"
    calls = (await emu.http.get("/control/calls", params={"method": "sendmessage"})).json()
    assert [c["status"] for c in calls] == [429, 429, 200]
    assert calls[-1]["params"] == {"chat_id": user, "text": "第三次成功"}


async def test_blocked_user_answers_403(emu: Emu) -> None:
    user = await emu.user()
    await emu.http.post(f"/control/users/{user}/block", json={"blocked": True})
    response = await emu.bot("sendMessage", chat_id=user, text="提醒")
    assert response.status_code == 403
    assert response.json()["description"] == "Forbidden: bot was blocked by the user"
    await emu.send(user, "/start")  # writing to the bot again unblocks it
    await emu.ok("sendMessage", chat_id=user, text="提醒")


# --- control API -------------------------------------------------------------------------------


async def test_wait_returns_the_next_bot_message_or_408(emu: Emu) -> None:
    user = await emu.user()
    sent = await emu.send(user, "/tasks")
    waiting = asyncio.create_task(emu.http.get(
        f"/control/chats/{user}/wait", params={"after_message_id": sent["message_id"],
                                               "timeout": 5}))
    await asyncio.sleep(0.1)
    await emu.ok("sendMessage", chat_id=user, text="你的任务",
                 reply_markup={"inline_keyboard": [[{"text": "详情", "callback_data": "t:1"}]]})
    message = (await waiting).json()
    assert message["text"] == "你的任务"
    assert message["from_bot"] is True
    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "t:1"
    timeout = await emu.http.get(f"/control/chats/{user}/wait",
                                 params={"after_message_id": message["message_id"],
                                         "timeout": 0.2})
    assert timeout.status_code == 408


async def test_messages_listing_both_directions(emu: Emu) -> None:
    user = await emu.user()
    await emu.send(user, "/start")
    await emu.ok("sendMessage", chat_id=user, text="欢迎")
    listed = await emu.messages(user)
    assert [(m["message_id"], m["from_bot"], m["text"]) for m in listed] == [
        (1, False, "/start"), (2, True, "欢迎")]
    assert set(listed[0]) >= {"message_id", "from_bot", "text", "caption", "reply_markup",
                              "photo", "document", "edited", "deleted"}
    assert [m["message_id"] for m in (await emu.http.get(
        f"/control/chats/{user}/messages", params={"since_id": 1})).json()] == [2]
    assert (await emu.http.get("/control/chats/4242/messages")).status_code == 404


async def test_raw_update_is_redelivered_exactly(emu: Emu) -> None:
    user = await emu.user()
    await emu.send(user, "/start")
    [update] = await emu.ok("getUpdates")
    await emu.ok("getUpdates", offset=update["update_id"] + 1)
    await emu.http.post("/control/update", json=update)
    assert await emu.ok("getUpdates") == [update]


async def test_reset_forgets_the_world_but_keeps_personas_and_update_ids_grow() -> None:
    persona = {"user_id": 910001, "name": "张三", "role": "检查人员",
               "department": "市场监督管理局", "language_code": "zh-hans",
               "description": "检查人员"}
    async with in_process(personas=[persona]) as emu:
        first = await emu.send(910001, "/start")
        await emu.ok("setMyCommands", commands=[{"command": "tasks", "description": "任务"}])
        await emu.http.post("/control/reset")
        assert await emu.ok("getMyCommands") == []
        assert await emu.messages(910001) == []
        assert (await emu.http.get("/control/personas")).json() == [persona]
        second = await emu.send(910001, "/start")
        assert second["update_id"] > first["update_id"]
        assert second["message_id"] == 1


async def test_personas_can_be_replaced(emu: Emu) -> None:
    people = [{"user_id": 1, "name": "王五", "role": "部门管理员", "department": "生态环境局",
               "language_code": "zh-hans", "description": "会审"}]
    assert (await emu.http.post("/control/personas", json={"personas": people})).json() == people
    assert (await emu.send(1, "/start"))["message_id"] == 1
    bad = await emu.http.post("/control/personas", json=[{"name": "无编号"}])
    assert bad.status_code == 400


async def test_events_feed_reports_new_edited_and_deleted_messages(emu: Emu) -> None:
    user = await emu.user()
    start = (await emu.http.get("/control/events", params={"timeout": 0})).json()["seq"]
    feed = asyncio.create_task(emu.http.get("/control/events", params={
        "since": start, "chat_id": user, "timeout": 5}))
    await asyncio.sleep(0.1)
    sent = await emu.ok("sendMessage", chat_id=user, text="新消息")
    first = (await feed).json()
    assert [e["type"] for e in first["events"]] == ["message"]
    await emu.ok("editMessageText", chat_id=user, message_id=sent["message_id"], text="改过")
    await emu.ok("deleteMessage", chat_id=user, message_id=sent["message_id"])
    rest = (await emu.http.get("/control/events", params={"since": first["seq"],
                                                          "chat_id": user})).json()
    assert [e["type"] for e in rest["events"]] == ["edit", "delete"]
    assert rest["events"][0]["message"]["text"] == "改过"


async def test_form_encoded_json_fields_as_aiogram_sends_them(emu: Emu) -> None:
    user = await emu.user()
    response = await emu.http.post(f"/bot{TOKEN}/sendMessage", data={
        "chat_id": str(user), "text": "表单",
        "reply_markup": json.dumps({"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}),
        "disable_notification": "true",
    })
    assert response.json()["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "好"
    response = await emu.http.post(f"/bot{TOKEN}/sendMessage", data={
        "chat_id": str(user), "text": "坏", "reply_markup": "{not json"})
    assert response.json()["description"] == \
        "Bad Request: can't parse reply keyboard markup JSON object"


async def test_explicit_entities_are_checked_and_cut_to_the_text(emu: Emu) -> None:
    user = await emu.user()
    sent = await emu.ok("sendMessage", chat_id=user, text="粗体 正文", entities=[
        {"type": "bold", "offset": 0, "length": 2, "extra": "dropped"},
        {"type": "italic", "offset": 3, "length": 99}])
    assert sent["entities"] == [{"type": "bold", "offset": 0, "length": 2},
                                {"type": "italic", "offset": 3, "length": 2}]
    await expect_400(emu, "sendMessage", "Bad Request: can't parse MessageEntity JSON object",
                     chat_id=user, text="x", entities=[{"type": "bold", "offset": "a"}])


async def test_a_poll_begun_before_a_reset_is_not_logged_after_it(emu: Emu) -> None:
    poll = asyncio.create_task(emu.bot("getUpdates", timeout=1))
    await asyncio.sleep(0.1)
    await emu.http.post("/control/reset")
    await poll
    assert (await emu.http.get("/control/calls")).json() == []


async def test_a_queued_tap_shows_the_message_as_it_was_when_tapped(emu: Emu) -> None:
    user = await emu.user()
    keyboard = {"inline_keyboard": [[{"text": "同意", "callback_data": "ok"}]]}
    sent = await emu.ok("sendMessage", chat_id=user, text="待会审", reply_markup=keyboard)
    await emu.http.post("/control/tap", json={"user_id": user, "message_id": sent["message_id"],
                                              "callback_data": "ok"})
    await emu.ok("editMessageText", chat_id=user, message_id=sent["message_id"], text="已会审")
    [update] = await emu.ok("getUpdates")
    assert update["callback_query"]["message"]["text"] == "待会审"
    assert "edit_date" not in update["callback_query"]["message"]
