#!/usr/bin/env python3
"""Checks the <phoneme> converter against espeak-ng itself.

For each word: espeak-ng's own IPA for it (--ipa) goes through `ssml text` as <phoneme ph="...">, and the
mnemonics that come out are read back by espeak-ng (-x and --ipa). The word "round-trips" when espeak-ng says
the same phonemes for [[mnemonics]] as for the plain word.

    scripts/phoneme-roundtrip.py [--ssml .build/debug/ssml] en-us en-gb de
"""
import json, subprocess, sys
from xml.sax.saxutils import quoteattr

WORDS = {
    "en": "tomato schedule water thought nurse judge church bird cure poor hair near ring vision thin this about "
          "butter city father cot caught boy house time day go book food cup dog cat bed sheep ship hello yellow "
          "measure azure little button orange garden wonderful computer telephone question february very".split(),
    "de": "Zürich Bücher ich ach Straße Uhr Vater Mutter Kinder schön Hände Häuser Leute Zeit Pferd Apfel Zug "
          "Junge fünf rot Regen Bahnhof Tag Abend Morgen Frühstück Mädchen Wasser Sprache möglich Löffel Öl "
          "Fenster Flughafen Bier Nacht Kirche Auge Hose wichtig Tschüss Glück hübsch Tür Wort Chance".split(),
}
VOICES = {"en-us": ("en-us", "en-us-female"), "en-gb": ("en-gb", "en-gb-female"), "de": ("de", "de-de-female")}


def espeak(voice, text, flag):
    return subprocess.run(["espeak-ng", "-q", "-v", voice, flag, text], capture_output=True, text=True).stdout.strip()


def main():
    args = sys.argv[1:]
    ssml = ".build/debug/ssml"
    if args[:1] == ["--ssml"]:
        ssml, args = args[1], args[2:]
    failures = 0
    for language in args or ["en-us", "en-gb", "de"]:
        voice, ours = VOICES[language]
        words = WORDS[language[:2]]
        ipas = [espeak(voice, w, "--ipa") for w in words]
        doc = "<speak>" + "".join(f"<s><phoneme ph={quoteattr(i)}>{w}</phoneme></s>" for w, i in zip(words, ipas)) + "</speak>"
        out = subprocess.run([ssml, "text", "-", "--json", "--voice", ours], input=doc, capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr)
            return 1
        texts = [item["text"] for item in json.loads(out.stdout) if item["kind"] == "speech"]
        same_x = same_ipa = 0
        for word, ipa, text in zip(words, ipas, texts):
            want_x, got_x = espeak(voice, word, "-x"), espeak(voice, text, "-x")
            got_ipa = espeak(voice, text, "--ipa")
            same_x += want_x == got_x
            same_ipa += ipa == got_ipa
            mark = "ok " if want_x == got_x else ("ipa" if ipa == got_ipa else "DIFF")
            if mark != "ok ":
                print(f"  {language} {mark} {word:12} {ipa:16} -> {text:22} x: {want_x} vs {got_x}   ipa: {got_ipa}")
        failures += len(words) - same_ipa
        print(f"{language}: {len(words)} words, same -x {same_x}, same IPA {same_ipa}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
