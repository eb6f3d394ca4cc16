"""The join poster: the committee uploads the group's join QR code as WeCom shows it, and gets
back a PNG that frames the very same code (every module where it was) with the estate's name."""

import io

import pytest
import qrcode
from PIL import Image, ImageChops

from backend.access.roles import Role
from backend.extensions import db
from backend.group_chats import poster

JOIN_URL = "https://work.weixin.qq.com/gm/3c1f2b7e0a9d4e6f"


def qr_png(data: str = JOIN_URL, box_size: int = 8) -> bytes:
    image = qrcode.make(data, box_size=box_size, border=4).convert("RGB")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(client, auth, person, group, data: bytes, name="qr.png"):
    return client.post(
        f"/api/v1/group-chats/{group.id}/join-qr",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=auth(person),
    )


@pytest.fixture
def setup(make):
    estate = make.estate(make.community(name="中山社区"), "凤城花园")
    return estate, make.member(Role.COMMITTEE_CHAIR, estate), make.group_chat(estate)


def test_the_poster_is_a_png_framing_the_uploaded_code_pixel_for_pixel(client, auth, setup):
    estate, chair, group = setup
    code = qr_png()

    uploaded = upload(client, auth, chair, group, code)
    response = client.get(f"/api/v1/group-chats/{group.id}/poster.png", headers=auth(chair))

    assert uploaded.status_code == 200 and uploaded.json["has_join_qr"] is True
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "attachment" not in response.headers.get("Content-Disposition", "")
    picture = Image.open(io.BytesIO(response.data))
    assert (picture.format, picture.size) == ("PNG", (poster.WIDTH, poster.HEIGHT))
    original = Image.open(io.BytesIO(code))
    (left, top), (width, height) = poster.qr_placement(original.size)
    # A whole factor, nearest neighbour: each module is a crisp square a phone can read.
    assert width % original.width == 0 and width >= 2 * original.width
    shown = picture.convert("RGB").crop((left, top, left + width, top + height))
    assert ImageChops.difference(shown, poster.scaled_qr(original)).getbbox() is None
    # The poster is more than the code: the red band with the title sits above it.
    assert picture.convert("RGB").getpixel((10, 10)) == poster.BAND


def test_a_large_photo_of_a_code_is_shrunk_into_the_frame(client, auth, setup):
    _estate, chair, group = setup
    code = qr_png(box_size=40)  # about 1,500 px square
    assert upload(client, auth, chair, group, code).status_code == 200
    response = client.get(f"/api/v1/group-chats/{group.id}/poster.png", headers=auth(chair))
    assert response.status_code == 200
    (_left, _top), (width, height) = poster.qr_placement(Image.open(io.BytesIO(code)).size)
    assert width == height == poster.QR_SIDE


def test_no_poster_before_a_code_is_uploaded_409(client, auth, setup):
    _estate, chair, group = setup
    response = client.get(f"/api/v1/group-chats/{group.id}/poster.png", headers=auth(chair))
    assert response.status_code == 409
    assert response.json["error"]["message"] == "请先上传该群的入群二维码"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"not a picture at all", "qr.png"),
        (b"%PDF-1.4 something", "qr.pdf"),
        (b"", "qr.png"),
    ],
)
def test_what_is_not_a_jpg_or_png_is_refused_422(client, auth, setup, data, name):
    _estate, chair, group = setup
    response = upload(client, auth, chair, group, data, name)
    assert response.status_code == 422
    assert "file" in response.json["error"]["fields"]
    db.session.refresh(group)
    assert group.join_qr_key is None


def test_a_missing_file_field_is_422(client, auth, setup):
    _estate, chair, group = setup
    response = client.post(
        f"/api/v1/group-chats/{group.id}/join-qr",
        data={},
        content_type="multipart/form-data",
        headers=auth(chair),
    )
    assert response.status_code == 422


def test_owner_and_manager_get_403_and_another_estates_committee_404(client, make, auth, setup):
    estate, chair, group = setup
    assert upload(client, auth, chair, group, qr_png()).status_code == 200
    owner = make.member(Role.OWNER, make.unit(estate))
    manager = make.member(Role.PROPERTY_MANAGER, estate)
    stranger = make.member(Role.COMMITTEE_CHAIR, make.estate())
    poster_url = f"/api/v1/group-chats/{group.id}/poster.png"
    for person, status in ((owner, 403), (manager, 403), (stranger, 404)):
        assert upload(client, auth, person, group, qr_png("x")).status_code == status
        assert client.get(poster_url, headers=auth(person)).status_code == status


def test_the_community_auditor_may_make_the_poster(client, make, auth, setup):
    estate, _chair, group = setup
    auditor = make.member(Role.AUDITOR, estate.community)
    assert upload(client, auth, auditor, group, qr_png()).status_code == 200
    response = client.get(f"/api/v1/group-chats/{group.id}/poster.png", headers=auth(auditor))
    assert response.status_code == 200


def test_a_server_without_a_chinese_font_says_so_503(client, auth, setup, monkeypatch):
    _estate, chair, group = setup
    assert upload(client, auth, chair, group, qr_png()).status_code == 200
    monkeypatch.setattr(poster, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    response = client.get(f"/api/v1/group-chats/{group.id}/poster.png", headers=auth(chair))
    assert response.status_code == 503
    assert response.json["error"]["message"].startswith("服务器未安装中文字体")


def test_a_long_estate_name_is_set_smaller_to_fit():
    name = "安溪县凤城镇城东社区阳光花园二期北区业主自治小区"
    code = Image.open(io.BytesIO(qr_png()))
    picture = Image.open(io.BytesIO(poster.render(name, "业主群", code, "城东社区 · 邻里物业监督")))
    band = picture.convert("RGB").crop((0, 330, poster.WIDTH, 470))
    # The name's ink stays inside the page's margins.
    left, _top, right, _bottom = ImageChops.invert(band).getbbox()
    assert left >= 40 and right <= poster.WIDTH - 40
