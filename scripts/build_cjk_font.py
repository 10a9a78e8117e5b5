"""Build static/fonts/acupoint-cjk.woff2: the Chinese characters of acupressure point names, cut
from Noto Sans CJK SC (SIL Open Font License), so a reader with no Chinese font installed sees
the characters and not empty boxes. The site's stylesheet lists it after the fonts phones and
computers already have; browsers fetch it only when none of those has the character.

The characters: every Chinese name in the demo content and the domain notes, and those of the
standard points most often named (CHARACTERS below). A point whose Chinese name uses another
character shows it in the reader's own font, where they have one; add the character below and
run this again.

Needs fontTools and brotli (not site dependencies), and Debian's fonts-noto-cjk, e.g.:

    python3 -m venv /tmp/fontvenv && /tmp/fontvenv/bin/pip install fonttools brotli
    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/cjk
    /tmp/fontvenv/bin/python scripts/build_cjk_font.py \\
        /tmp/cjk/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
"""

import json
import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

PROJECT = Path(__file__).resolve().parent.parent
OUTPUT = PROJECT / "static" / "fonts" / "acupoint-cjk.woff2"
CHARACTER_LIST = PROJECT / "static" / "fonts" / "acupoint-cjk.txt"
HAN = re.compile(r"[\u3400-\u9fff]")

# Standard point names readers meet most (simplified characters).
CHARACTERS = """
百会 风池 风府 肩井 足三里 三阴交 内关 外关 曲池 血海 阳陵泉 阴陵泉 太溪 昆仑 承山 大椎 命门
腰阳关 关元 中脘 天枢 印堂 太阳 水沟 列缺 神门 后溪 委阳 殷门 承扶 秩边 腰眼 夹脊 风市 悬钟
丘墟 公孙 照海 复溜 然谷 行间 期门 章门 膻中 大肠俞 小肠俞 膀胱俞 次髎 上髎 中髎 下髎 白环俞
居髎 手三里 肩髃 迎香 地仓 颊车 下关 头维 梁丘 犊鼻 丰隆 解溪 内庭 隐白 太白 商丘 地机 大横
极泉 少海 通里 少冲 少泽 养老 支正 小海 天宗 听宫 睛明 攒竹 天柱 大杼 风门 肺俞 心俞 膈俞
肝俞 胆俞 脾俞 胃俞 三焦俞 浮郄 至阴 大钟 水泉 阴谷 俞府 天池 曲泽 郄门 间使 大陵 劳宫 中冲
关冲 阳池 支沟 天井 翳风 角孙 丝竹空 瞳子髎 听会 阳白 头临泣 日月 带脉 光明 足临泣 大敦
中封 蠡沟 曲泉 长强 腰俞 至阳 身柱 哑门 上星 神庭 会阴 中极 神阙 建里 上脘 巨阙 鸠尾 天突
廉泉 承浆 四神聪 鱼腰 定喘 腰痛点 落枕 八邪 八风 内膝眼 安眠 耳尖 尺泽 孔最 鱼际 少商 商阳
二间 三间 阳溪 偏历 温溜 曲垣 秉风 肩外俞 肩中俞 京门 京骨 束骨 飞扬 跗阳 金门 仆参 筑宾
交信 横骨 大赫 气穴 四满 中注 肓俞 梁门 滑肉门 外陵 大巨 水道 归来 气冲 髀关 伏兔 阴市
上巨虚 条口 下巨虚 冲阳 陷谷 厉兑 漏谷 府舍 腹结 食窦 天溪 胸乡 周荣 大包 督脉 任脉
肾经 膀胱经 胆经 肝经 胃经 脾经 心经 肺经 大肠经 小肠经 三焦经 心包经 穴
"""


def characters():
    """Every Han character the site is likely to show, sorted."""
    found = set(HAN.findall(CHARACTERS))
    demo = json.loads((PROJECT / "fixtures" / "demo_content.json").read_text(encoding="utf-8"))
    found |= set(HAN.findall(json.dumps(demo, ensure_ascii=False)))
    notes = PROJECT.parent / "shared" / "domain" / "points.md"
    if notes.exists():
        found |= set(HAN.findall(notes.read_text(encoding="utf-8")))
    return "".join(sorted(found))


def simplified_chinese_font(path):
    for font in TTCollection(path).fonts:
        if font["name"].getDebugName(1) == "Noto Sans CJK SC":
            return font
    raise SystemExit(f"No Noto Sans CJK SC in {path}")


def main(path):
    text = characters()
    font = simplified_chinese_font(path)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # keep the copyright and licence
    options.hinting = False
    options.desubroutinize = True  # larger before compression, smaller after
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(OUTPUT)
    CHARACTER_LIST.write_text(text + "\n", encoding="utf-8")
    print(f"{len(text)} characters, {OUTPUT.stat().st_size:,} bytes: {OUTPUT}")


if __name__ == "__main__":
    main(sys.argv[1])
