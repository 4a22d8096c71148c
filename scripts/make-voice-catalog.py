#!/usr/bin/env python3
"""Writes Voices/catalog.json: every language espeak-ng speaks, in three genders, with the names users
write for them (seven.io `<locale>-<gender>`, Microsoft neural voices, Amazon Polly voices).

Run it after changing the tables below or when espeak-ng gains languages:
    python3 scripts/make-voice-catalog.py
The JSON is the data the tool reads; this script is only how it is made.

Sources of the alias tables: Microsoft's "Language and voice support for the Speech service" list of
neural voices (name, locale, gender) and Amazon Polly's "Available voices" table (name, language,
gender; voices marked child are mapped to our child voices).
"""
import json
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent

# Per-gender settings: espeak-ng variant, PITCH, RANGE, words per minute, vocal-tract factor, typical F0.
TEMPLATES = {
    "female": {"variant": "f4", "pitch": 60, "range": 55, "rate": 170, "tract": 1.0, "baseHz": 205},
    "male": {"variant": "m1", "pitch": 45, "range": 50, "rate": 170, "tract": 1.0, "baseHz": 105},
    "child": {"variant": "f4", "pitch": 74, "range": 60, "rate": 170, "tract": 1.22, "baseHz": 280},
}

# The report's sample text where espeak-ng has no number rules (digits would be silent).
SAMPLES = {
    "he": "שלום עולם, מה שלומך היום?", "cv": "Салам, тӗнче! Мӗнле пурӑнатӑр?", "tk": "Salam dünýä, nähili ýagdaý?",
    "nog": "Ассаламагаляйкум, дуныя! Кайдай турасыз?", "qya": "Elen síla lúmenn' omentielvo.",
    "sjn": "Mae govannen, mellon nín.",
}

# Locales with a region, mapped to the espeak-ng language that reads them best.
REGIONS = {
    "en-US": "en-us", "en-GB": "en-gb", "en-AU": "en-gb", "en-IN": "en-gb", "en-IE": "en-gb",
    "en-NZ": "en-gb", "en-ZA": "en-gb", "en-CA": "en-us", "en-SG": "en-gb", "en-029": "en-029",
    "en-GB-scotland": "en-gb-scotland",
    "de-DE": "de", "de-AT": "de", "de-CH": "de",
    "fr-FR": "fr-fr", "fr-BE": "fr-be", "fr-CH": "fr-ch", "fr-CA": "fr-fr",
    "es-ES": "es", "es-MX": "es-419", "es-US": "es-419", "es-AR": "es-419", "es-CO": "es-419", "es-419": "es-419",
    "pt-PT": "pt", "pt-BR": "pt-br",
    "it-IT": "it", "nl-NL": "nl", "nl-BE": "nl",
    "zh-CN": "cmn", "zh-TW": "cmn", "zh-HK": "yue", "ja-JP": "ja", "ko-KR": "ko",
    "ru-RU": "ru", "uk-UA": "uk", "pl-PL": "pl", "cs-CZ": "cs", "sk-SK": "sk", "hu-HU": "hu",
    "ro-RO": "ro", "bg-BG": "bg", "hr-HR": "hr", "sr-RS": "sr", "bs-BA": "bs", "sl-SI": "sl",
    "mk-MK": "mk", "sq-AL": "sq", "el-GR": "el", "tr-TR": "tr",
    "sv-SE": "sv", "da-DK": "da", "nb-NO": "nb", "fi-FI": "fi", "is-IS": "is", "et-EE": "et",
    "lv-LV": "lv", "lt-LT": "lt",
    "ar-SA": "ar", "ar-EG": "ar", "ar-AE": "ar", "he-IL": "he", "fa-IR": "fa", "ur-PK": "ur",
    "hi-IN": "hi", "bn-IN": "bn", "bn-BD": "bn", "ta-IN": "ta", "te-IN": "te", "kn-IN": "kn",
    "ml-IN": "ml", "mr-IN": "mr", "gu-IN": "gu", "pa-IN": "pa", "ne-NP": "ne", "si-LK": "si",
    "th-TH": "th", "vi-VN": "vi", "id-ID": "id", "ms-MY": "ms", "my-MM": "my",
    "ca-ES": "ca", "eu-ES": "eu", "cy-GB": "cy", "ga-IE": "ga", "gd-GB": "gd", "mt-MT": "mt", "lb-LU": "lb",
    "ka-GE": "ka", "hy-AM": "hy", "az-AZ": "az", "kk-KZ": "kk", "uz-UZ": "uz", "ky-KG": "ky",
    "sw-KE": "sw", "af-ZA": "af", "am-ET": "am", "tn-ZA": "tn",
}

# Microsoft neural voices: locale -> {short name: gender}.
MICROSOFT = {
    "en-US": {"Jenny": "female", "Aria": "female", "Sara": "female", "Nancy": "female", "Michelle": "female",
              "Amber": "female", "Ashley": "female", "Cora": "female", "Elizabeth": "female", "Monica": "female",
              "Emma": "female", "Ava": "female", "Jane": "female", "Ana": "child",
              "Guy": "male", "Davis": "male", "Tony": "male", "Jason": "male", "Brandon": "male",
              "Christopher": "male", "Eric": "male", "Jacob": "male", "Andrew": "male", "Brian": "male",
              "Steffan": "male", "Roger": "male"},
    "en-GB": {"Sonia": "female", "Libby": "female", "Abbi": "female", "Bella": "female", "Hollie": "female",
              "Olivia": "female", "Mia": "female", "Maisie": "child",
              "Ryan": "male", "Alfie": "male", "Elliot": "male", "Ethan": "male", "Noah": "male",
              "Oliver": "male", "Thomas": "male"},
    "en-AU": {"Natasha": "female", "Annette": "female", "Carly": "female", "Elsie": "female", "Freya": "female",
              "Joanne": "female", "Kim": "female", "Tina": "female",
              "William": "male", "Darren": "male", "Duncan": "male", "Ken": "male", "Neil": "male", "Tim": "male"},
    "en-IN": {"Neerja": "female", "Prabhat": "male"}, "en-IE": {"Emily": "female", "Connor": "male"},
    "en-CA": {"Clara": "female", "Liam": "male"}, "en-NZ": {"Molly": "female", "Mitchell": "male"},
    "en-ZA": {"Leah": "female", "Luke": "male"}, "en-SG": {"Luna": "female", "Wayne": "male"},
    "de-DE": {"Katja": "female", "Amala": "female", "Elke": "female", "Klarissa": "female", "Louisa": "female",
              "Maja": "female", "Tanja": "female", "Seraphina": "female", "Gisela": "child",
              "Conrad": "male", "Bernd": "male", "Christoph": "male", "Kasper": "male", "Killian": "male",
              "Klaus": "male", "Ralf": "male", "Florian": "male"},
    "de-AT": {"Ingrid": "female", "Jonas": "male"}, "de-CH": {"Leni": "female", "Jan": "male"},
    "fr-FR": {"Denise": "female", "Brigitte": "female", "Celeste": "female", "Coralie": "female",
              "Jacqueline": "female", "Josephine": "female", "Yvette": "female", "Vivienne": "female",
              "Eloise": "child", "Henri": "male", "Alain": "male", "Claude": "male", "Jerome": "male",
              "Maurice": "male", "Yves": "male", "Remy": "male"},
    "fr-CA": {"Sylvie": "female", "Jean": "male", "Antoine": "male", "Thierry": "male"},
    "fr-BE": {"Charline": "female", "Gerard": "male"}, "fr-CH": {"Ariane": "female", "Fabrice": "male"},
    "es-ES": {"Elvira": "female", "Abril": "female", "Estrella": "female", "Irene": "female", "Laia": "female",
              "Lia": "female", "Triana": "female", "Vera": "female", "Ximena": "female",
              "Alvaro": "male", "Arnau": "male", "Dario": "male", "Elias": "male", "Nil": "male", "Saul": "male",
              "Teo": "male"},
    "es-MX": {"Dalia": "female", "Beatriz": "female", "Candela": "female", "Carlota": "female", "Larissa": "female",
              "Marina": "female", "Nuria": "female", "Renata": "female", "Jorge": "male", "Cecilio": "male",
              "Gerardo": "male", "Liberto": "male", "Luciano": "male", "Pelayo": "male", "Yago": "male"},
    "es-US": {"Paloma": "female", "Alonso": "male"}, "es-AR": {"Elena": "female", "Tomas": "male"},
    "es-CO": {"Salome": "female", "Gonzalo": "male"},
    "it-IT": {"Elsa": "female", "Isabella": "female", "Fabiola": "female", "Fiamma": "female", "Imelda": "female",
              "Irma": "female", "Palmira": "female", "Pierina": "female", "Diego": "male", "Benigno": "male",
              "Calimero": "male", "Cataldo": "male", "Gianni": "male", "Lisandro": "male", "Rinaldo": "male",
              "Giuseppe": "male"},
    "nl-NL": {"Colette": "female", "Fenna": "female", "Maarten": "male"},
    "nl-BE": {"Dena": "female", "Arnaud": "male"},
    "pt-BR": {"Francisca": "female", "Brenda": "female", "Elza": "female", "Giovanna": "female", "Leila": "female",
              "Leticia": "female", "Manuela": "female", "Yara": "female", "Thalita": "female",
              "Antonio": "male", "Donato": "male", "Fabio": "male", "Humberto": "male", "Julio": "male",
              "Nicolau": "male", "Valerio": "male"},
    "pt-PT": {"Raquel": "female", "Fernanda": "female", "Duarte": "male"},
    "ja-JP": {"Nanami": "female", "Aoi": "female", "Mayu": "female", "Shiori": "female",
              "Keita": "male", "Daichi": "male", "Naoki": "male"},
    "ko-KR": {"SunHi": "female", "JiMin": "female", "SeoHyeon": "female", "SoonBok": "female", "YuJin": "female",
              "InJoon": "male", "BongJin": "male", "GookMin": "male", "Hyunsu": "male"},
    "zh-CN": {"Xiaoxiao": "female", "Xiaoyi": "female", "Xiaochen": "female", "Xiaohan": "female",
              "Xiaomeng": "female", "Xiaomo": "female", "Xiaoqiu": "female", "Xiaorui": "female",
              "Xiaoxuan": "female", "Xiaoyan": "female", "Xiaoshuang": "child", "Xiaoyou": "child", "Yunxia": "child",
              "Yunxi": "male", "Yunjian": "male", "Yunyang": "male", "Yunfeng": "male", "Yunhao": "male",
              "Yunze": "male"},
    "zh-TW": {"HsiaoChen": "female", "HsiaoYu": "female", "YunJhe": "male"},
    "zh-HK": {"HiuMaan": "female", "HiuGaai": "female", "WanLung": "male"},
    "ru-RU": {"Svetlana": "female", "Dariya": "female", "Dmitry": "male"},
    "ar-SA": {"Zariyah": "female", "Hamed": "male"}, "ar-EG": {"Salma": "female", "Shakir": "male"},
    "ar-AE": {"Fatima": "female", "Hamdan": "male"},
    "hr-HR": {"Gabrijela": "female", "Srecko": "male"}, "pl-PL": {"Zofia": "female", "Agnieszka": "female", "Marek": "male"},
    "sv-SE": {"Sofie": "female", "Hillevi": "female", "Mattias": "male"}, "da-DK": {"Christel": "female", "Jeppe": "male"},
    "nb-NO": {"Pernille": "female", "Iselin": "female", "Finn": "male"},
    "fi-FI": {"Selma": "female", "Noora": "female", "Harri": "male"}, "tr-TR": {"Emel": "female", "Ahmet": "male"},
    "el-GR": {"Athina": "female", "Nestoras": "male"}, "cs-CZ": {"Vlasta": "female", "Antonin": "male"},
    "sk-SK": {"Viktoria": "female", "Lukas": "male"}, "hu-HU": {"Noemi": "female", "Tamas": "male"},
    "ro-RO": {"Alina": "female", "Emil": "male"}, "bg-BG": {"Kalina": "female", "Borislav": "male"},
    "uk-UA": {"Polina": "female", "Ostap": "male"}, "he-IL": {"Hila": "female", "Avri": "male"},
    "hi-IN": {"Swara": "female", "Madhur": "male"}, "th-TH": {"Premwadee": "female", "Achara": "female", "Niwat": "male"},
    "vi-VN": {"HoaiMy": "female", "NamMinh": "male"}, "id-ID": {"Gadis": "female", "Ardi": "male"},
    "ms-MY": {"Yasmin": "female", "Osman": "male"}, "ca-ES": {"Joana": "female", "Alba": "female", "Enric": "male"},
    "is-IS": {"Gudrun": "female", "Gunnar": "male"}, "cy-GB": {"Nia": "female", "Aled": "male"},
    "ga-IE": {"Orla": "female", "Colm": "male"}, "et-EE": {"Anu": "female", "Kert": "male"},
    "lv-LV": {"Everita": "female", "Nils": "male"}, "lt-LT": {"Ona": "female", "Leonas": "male"},
    "sl-SI": {"Petra": "female", "Rok": "male"}, "sr-RS": {"Sophie": "female", "Nicholas": "male"},
    "bs-BA": {"Vesna": "female", "Goran": "male"}, "mk-MK": {"Marija": "female", "Aleksandar": "male"},
    "sq-AL": {"Anila": "female", "Ilir": "male"}, "ka-GE": {"Eka": "female", "Giorgi": "male"},
    "hy-AM": {"Anahit": "female", "Hayk": "male"}, "az-AZ": {"Banu": "female", "Babek": "male"},
    "kk-KZ": {"Aigul": "female", "Daulet": "male"}, "uz-UZ": {"Madina": "female", "Sardor": "male"},
    "fa-IR": {"Dilara": "female", "Farid": "male"}, "ur-PK": {"Uzma": "female", "Asad": "male"},
    "bn-IN": {"Tanishaa": "female", "Bashkar": "male"}, "bn-BD": {"Nabanita": "female", "Pradeep": "male"},
    "ta-IN": {"Pallavi": "female", "Valluvar": "male"}, "te-IN": {"Shruti": "female", "Mohan": "male"},
    "kn-IN": {"Sapna": "female", "Gagan": "male"}, "ml-IN": {"Sobhana": "female", "Midhun": "male"},
    "mr-IN": {"Aarohi": "female", "Manohar": "male"}, "gu-IN": {"Dhwani": "female", "Niranjan": "male"},
    "pa-IN": {"Vaani": "female", "Ojas": "male"}, "ne-NP": {"Hemkala": "female", "Sagar": "male"},
    "si-LK": {"Thilini": "female", "Sameera": "male"}, "sw-KE": {"Zuri": "female", "Rafiki": "male"},
    "af-ZA": {"Adri": "female", "Willem": "male"}, "am-ET": {"Mekdes": "female", "Ameha": "male"},
    "mt-MT": {"Grace": "female", "Joseph": "male"}, "eu-ES": {"Ainhoa": "female", "Ander": "male"},
    "my-MM": {"Nilar": "female", "Thiha": "male"},
}

# Amazon Polly voices (Vonage's voices descend from them): name -> (locale, gender).
POLLY = {
    "Joanna": ("en-US", "female"), "Kendra": ("en-US", "female"), "Kimberly": ("en-US", "female"),
    "Salli": ("en-US", "female"), "Danielle": ("en-US", "female"), "Ruth": ("en-US", "female"),
    "Ivy": ("en-US", "child"), "Justin": ("en-US", "child"), "Kevin": ("en-US", "child"),
    "Joey": ("en-US", "male"), "Matthew": ("en-US", "male"), "Gregory": ("en-US", "male"),
    "Stephen": ("en-US", "male"), "Patrick": ("en-US", "male"),
    "Amy": ("en-GB", "female"), "Emma": ("en-GB", "female"), "Brian": ("en-GB", "male"), "Arthur": ("en-GB", "male"),
    "Geraint": ("en-GB", "male"),
    "Nicole": ("en-AU", "female"), "Olivia": ("en-AU", "female"), "Russell": ("en-AU", "male"),
    "Aditi": ("en-IN", "female"), "Raveena": ("en-IN", "female"), "Kajal": ("en-IN", "female"),
    "Niamh": ("en-IE", "female"), "Aria": ("en-NZ", "female"), "Ayanda": ("en-ZA", "female"),
    "Marlene": ("de-DE", "female"), "Vicki": ("de-DE", "female"), "Hans": ("de-DE", "male"),
    "Daniel": ("de-DE", "male"), "Hannah": ("de-AT", "female"),
    "Celine": ("fr-FR", "female"), "Céline": ("fr-FR", "female"), "Lea": ("fr-FR", "female"),
    "Léa": ("fr-FR", "female"), "Mathieu": ("fr-FR", "male"), "Remi": ("fr-FR", "male"),
    "Chantal": ("fr-CA", "female"), "Gabrielle": ("fr-CA", "female"), "Liam": ("fr-CA", "male"),
    "Conchita": ("es-ES", "female"), "Lucia": ("es-ES", "female"), "Enrique": ("es-ES", "male"),
    "Sergio": ("es-ES", "male"), "Mia": ("es-MX", "female"), "Andres": ("es-MX", "male"),
    "Lupe": ("es-US", "female"), "Penelope": ("es-US", "female"), "Miguel": ("es-US", "male"),
    "Pedro": ("es-US", "male"),
    "Carla": ("it-IT", "female"), "Bianca": ("it-IT", "female"), "Giorgio": ("it-IT", "male"),
    "Adriano": ("it-IT", "male"),
    "Lotte": ("nl-NL", "female"), "Laura": ("nl-NL", "female"), "Ruben": ("nl-NL", "male"),
    "Vitoria": ("pt-BR", "female"), "Vitória": ("pt-BR", "female"), "Camila": ("pt-BR", "female"),
    "Ricardo": ("pt-BR", "male"), "Thiago": ("pt-BR", "male"),
    "Ines": ("pt-PT", "female"), "Inês": ("pt-PT", "female"), "Cristiano": ("pt-PT", "male"),
    "Mizuki": ("ja-JP", "female"), "Kazuha": ("ja-JP", "female"), "Tomoko": ("ja-JP", "female"),
    "Takumi": ("ja-JP", "male"), "Seoyeon": ("ko-KR", "female"), "Zhiyu": ("zh-CN", "female"),
    "Tatyana": ("ru-RU", "female"), "Maxim": ("ru-RU", "male"),
    "Zeina": ("ar-SA", "female"), "Hala": ("ar-AE", "female"), "Zayd": ("ar-AE", "male"),
    "Ewa": ("pl-PL", "female"), "Maja": ("pl-PL", "female"), "Jacek": ("pl-PL", "male"), "Jan": ("pl-PL", "male"),
    "Astrid": ("sv-SE", "female"), "Elin": ("sv-SE", "female"),
    "Naja": ("da-DK", "female"), "Sofie": ("da-DK", "female"), "Mads": ("da-DK", "male"),
    "Liv": ("nb-NO", "female"), "Ida": ("nb-NO", "female"),
    "Filiz": ("tr-TR", "female"), "Burcu": ("tr-TR", "female"), "Carmen": ("ro-RO", "female"),
    "Dora": ("is-IS", "female"), "Karl": ("is-IS", "male"), "Gwyneth": ("cy-GB", "female"),
    "Suvi": ("fi-FI", "female"), "Arlet": ("ca-ES", "female"),
}

# Google Cloud Text-to-Speech voices: locale -> "Family-Id=gender ..." (m/f), as Google's published voice list
# ("Supported voices and languages", https://cloud.google.com/text-to-speech/docs/voices) gives them. Names are
# `<locale>-<family>-<id>`; letters do not tell the gender (en-US-Wavenet-A is male), so it is looked up here.
GOOGLE = {
    "af-ZA": "Standard-A=f",
    "ar-XA": "Standard-A=f Standard-B=m Standard-C=m Standard-D=f Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f",
    "eu-ES": "Standard-A=f Standard-B=f",
    "bn-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "bg-BG": "Standard-A=f Standard-B=f",
    "ca-ES": "Standard-A=f Standard-B=f",
    "yue-HK": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m",
    "cs-CZ": "Standard-A=f Standard-B=f Wavenet-A=f",
    "da-DK": "Neural2-D=f Standard-A=f Standard-C=m Standard-D=f Standard-E=f Standard-F=f Standard-G=m Wavenet-A=f Wavenet-C=m Wavenet-D=f Wavenet-E=f",
    "nl-BE": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m",
    "nl-NL": "Standard-A=f Standard-B=m Standard-C=m Standard-D=f Standard-E=f Standard-F=f Standard-G=m Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f Wavenet-E=f",
    "en-AU": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=f Neural2-D=m News-E=f News-F=f News-G=m Polyglot-1=m Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "en-IN": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=m Neural2-D=f Standard-A=f Standard-B=m Standard-C=m Standard-D=f Standard-E=f Standard-F=m Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f Wavenet-E=f Wavenet-F=m",
    "en-GB": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=f Neural2-D=m Neural2-F=f News-G=f News-H=f News-I=f News-J=m News-K=m News-L=m News-M=m Standard-A=f Standard-B=m Standard-C=f Standard-D=m Standard-F=f Standard-N=f Standard-O=m Studio-B=m Studio-C=f Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m Wavenet-F=f",
    "en-US": "Casual-K=m Journey-D=m Journey-F=f Journey-O=f Neural2-A=m Neural2-C=f Neural2-D=m Neural2-E=f Neural2-F=f Neural2-G=f Neural2-H=f Neural2-I=m Neural2-J=m News-K=f News-L=f News-N=m Polyglot-1=m Standard-A=m Standard-B=m Standard-C=f Standard-D=m Standard-E=f Standard-F=f Standard-G=f Standard-H=f Standard-I=m Standard-J=m Studio-O=f Studio-Q=m Wavenet-A=m Wavenet-B=m Wavenet-C=f Wavenet-D=m Wavenet-E=f Wavenet-F=f Wavenet-G=f Wavenet-H=f Wavenet-I=m Wavenet-J=m",
    "fil-PH": "Standard-A=f Standard-B=f Standard-C=m Standard-D=m Wavenet-A=f Wavenet-B=f Wavenet-C=m Wavenet-D=m Neural2-A=f Neural2-D=m",
    "fi-FI": "Standard-A=f Standard-B=f Wavenet-A=f",
    "fr-CA": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=f Neural2-D=m Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "fr-FR": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=f Neural2-D=m Neural2-E=f Polyglot-1=m Standard-A=f Standard-B=m Standard-C=f Standard-D=m Standard-E=f Standard-F=f Standard-G=m Studio-A=f Studio-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m Wavenet-E=f Wavenet-F=f Wavenet-G=m",
    "gl-ES": "Standard-A=f Standard-B=f",
    "de-DE": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=f Neural2-D=m Neural2-F=f Polyglot-1=m Standard-A=f Standard-B=m Standard-C=f Standard-D=m Standard-E=m Standard-F=f Standard-G=f Standard-H=m Studio-B=m Studio-C=f Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m Wavenet-E=m Wavenet-F=f Wavenet-G=f Wavenet-H=m",
    "el-GR": "Standard-A=f Standard-B=f Wavenet-A=f",
    "gu-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "he-IL": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "hi-IN": "Neural2-A=f Neural2-B=m Neural2-C=m Neural2-D=f Standard-A=f Standard-B=m Standard-C=m Standard-D=f Standard-E=f Standard-F=m Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f Wavenet-E=f Wavenet-F=m",
    "hu-HU": "Standard-A=f Standard-B=f Wavenet-A=f",
    "is-IS": "Standard-A=f Standard-B=f",
    "id-ID": "Standard-A=f Standard-B=m Standard-C=m Standard-D=f Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f",
    "it-IT": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-C=m Standard-A=f Standard-B=f Standard-C=m Standard-D=m Standard-E=f Standard-F=m Wavenet-A=f Wavenet-B=f Wavenet-C=m Wavenet-D=m",
    "ja-JP": "Neural2-B=f Neural2-C=m Neural2-D=m Standard-A=f Standard-B=f Standard-C=m Standard-D=m Wavenet-A=f Wavenet-B=f Wavenet-C=m Wavenet-D=m",
    "kn-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "ko-KR": "Neural2-A=f Neural2-B=f Neural2-C=m Standard-A=f Standard-B=f Standard-C=m Standard-D=m Wavenet-A=f Wavenet-B=f Wavenet-C=m Wavenet-D=m",
    "lv-LV": "Standard-A=m Standard-B=m",
    "lt-LT": "Standard-A=m Standard-B=m",
    "ms-MY": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "ml-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "cmn-CN": "Standard-A=f Standard-B=m Standard-C=m Standard-D=f Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f",
    "cmn-TW": "Standard-A=f Standard-B=m Standard-C=m Wavenet-A=f Wavenet-B=m Wavenet-C=m",
    "mr-IN": "Standard-A=f Standard-B=m Standard-C=f Wavenet-A=f Wavenet-B=m Wavenet-C=f",
    "nb-NO": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Standard-E=f Standard-F=f Standard-G=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m Wavenet-E=f",
    "pl-PL": "Standard-A=f Standard-B=m Standard-C=m Standard-D=f Standard-E=f Standard-F=f Standard-G=m Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f Wavenet-E=f",
    "pt-BR": "Neural2-A=f Neural2-B=m Neural2-C=f Standard-A=f Standard-B=m Standard-C=f Standard-D=f Standard-E=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=f Wavenet-E=m",
    "pt-PT": "Standard-A=f Standard-B=m Standard-C=m Standard-D=f Standard-E=f Standard-F=m Wavenet-A=f Wavenet-B=m Wavenet-C=m Wavenet-D=f",
    "pa-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "ro-RO": "Standard-A=f Standard-B=f Wavenet-A=f",
    "ru-RU": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Standard-E=f Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m Wavenet-E=f",
    "sr-RS": "Standard-A=f",
    "sk-SK": "Standard-A=f Standard-B=f Wavenet-A=f",
    "es-ES": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=f Neural2-D=f Neural2-E=f Neural2-F=m Polyglot-1=m Standard-A=f Standard-B=m Standard-C=f Standard-D=f Standard-E=m Standard-F=f Studio-C=f Studio-F=m Wavenet-B=m Wavenet-C=f Wavenet-D=f Wavenet-E=m Wavenet-F=f",
    "es-US": "Journey-D=m Journey-F=f Journey-O=f Neural2-A=f Neural2-B=m Neural2-C=m News-D=m News-E=m News-F=f News-G=f Polyglot-1=m Standard-A=f Standard-B=m Standard-C=m Studio-B=m Wavenet-A=f Wavenet-B=m Wavenet-C=m",
    "sv-SE": "Standard-A=f Standard-B=f Standard-C=f Standard-D=m Standard-E=m Standard-F=f Standard-G=m Wavenet-A=f Wavenet-B=f Wavenet-C=m Wavenet-D=f Wavenet-E=m",
    "ta-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
    "te-IN": "Standard-A=f Standard-B=m Standard-C=f Standard-D=m",
    "th-TH": "Neural2-C=f Standard-A=f",
    "tr-TR": "Standard-A=f Standard-B=m Standard-C=f Standard-D=f Standard-E=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=f Wavenet-E=m",
    "uk-UA": "Standard-A=f Wavenet-A=f",
    "vi-VN": "Neural2-A=f Neural2-D=m Standard-A=f Standard-B=m Standard-C=f Standard-D=m Wavenet-A=f Wavenet-B=m Wavenet-C=f Wavenet-D=m",
}

# Chirp 3: HD voices (`<locale>-Chirp3-HD-<star>`) exist in every Chirp 3 locale with one gender per star name
# (Google's Chirp 3: HD voices page, https://cloud.google.com/text-to-speech/docs/chirp3-hd).
CHIRP3_HD = {
    "female": ["Achernar", "Aoede", "Autonoe", "Callirrhoe", "Despina", "Erinome", "Gacrux", "Kore", "Laomedeia",
               "Leda", "Pulcherrima", "Sulafat", "Vindemiatrix", "Zephyr"],
    "male": ["Achird", "Algenib", "Algieba", "Alnilam", "Charon", "Enceladus", "Fenrir", "Iapetus", "Orus", "Puck",
             "Rasalgethi", "Sadachbia", "Sadaltager", "Schedar", "Umbriel", "Zubenelgenubi"],
}
# Chirp HD voices (`<locale>-Chirp-HD-<id>`): D is male, F and O are female (Google's voice list).
CHIRP_HD = {"D": "male", "F": "female", "O": "female"}

# The region a bare language tag means (`xml:lang="fr"`): CLDR's likely-subtags data
# (https://github.com/unicode-org/cldr-json, likelySubtags.json: fr -> fr_Latn_FR, en -> en_Latn_US,
# es -> es_Latn_ES, nl -> nl_Latn_NL, pt -> pt_Latn_BR). Without it the first catalog entry of the language
# would win (fr-BE, en-029, es-419, nl-BE), which no service means by a bare tag.
PRIMARY_REGIONS = {
    "en": "en-US", "fr": "fr-FR", "es": "es-ES", "nl": "nl-NL", "pt": "pt-BR", "de": "de-DE", "it": "it-IT",
    "zh": "zh-CN", "cmn": "zh-CN", "yue": "zh-HK", "ar": "ar-EG", "sv": "sv-SE", "da": "da-DK", "nb": "nb-NO",
    "no": "nb-NO", "fi": "fi-FI", "el": "el-GR", "ru": "ru-RU", "pl": "pl-PL", "tr": "tr-TR", "ja": "ja-JP",
    "ko": "ko-KR", "hi": "hi-IN", "bn": "bn-BD", "ms": "ms-MY", "sw": "sw-TZ", "ta": "ta-IN", "ur": "ur-PK",
}


def espeak_languages():
    out = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True, check=True).stdout
    return sorted({line.split()[1].lower() for line in out.splitlines()[1:] if line.strip()})


def main():
    languages = espeak_languages()
    locales = dict(REGIONS)
    covered = set(locales.values())
    # Every espeak-ng language not reached through a region gets its own bare locale ("eo", "la").
    for code in languages:
        if code in covered or "-x-" in code or code.count("-") > 1:
            continue
        if "-" in code and code.split("-")[0] in covered:
            continue
        locales[code] = code
    missing = sorted(set(locales.values()) - set(languages))
    if missing:
        raise SystemExit(f"espeak-ng does not speak {missing}")

    aliases = {(locale, gender): [] for locale in locales for gender in TEMPLATES}
    for locale, voices in MICROSOFT.items():
        for name, gender in voices.items():
            aliases[(locale, gender)].append(f"{locale}-{name}Neural")
    for name, (locale, gender) in POLLY.items():
        aliases[(locale, gender)].append(name)

    voices = []
    for locale in sorted(locales, key=lambda l: (l.split("-")[0], l)):
        for gender in TEMPLATES:
            voices.append({
                "name": f"{locale.lower()}-{gender}", "locale": locale, "gender": gender,
                "espeak": locales[locale], "aliases": sorted(aliases[(locale, gender)]),
            })
    catalog = {
        "about": "Generated by scripts/make-voice-catalog.py; entries take their settings from templates[gender] unless they carry their own.",
        "templates": TEMPLATES,
        "samples": SAMPLES,
        "localeMap": {"zh": "cmn", "no": "nb", "nb-no": "nb", "fil": "tl", "iw": "he", "in": "id"},
        "voices": voices,
        "primaryRegions": PRIMARY_REGIONS,
        "google": {
            "source": "https://cloud.google.com/text-to-speech/docs/voices",
            "voices": {locale: dict(item.split("=") for item in names.split()) for locale, names in GOOGLE.items()},
            "chirp3HD": {name: gender for gender, names in CHIRP3_HD.items() for name in names},
            "chirpHD": CHIRP_HD,
        },
    }
    path = ROOT / "Voices" / "catalog.json"
    path.write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n")
    print(f"{path.relative_to(ROOT)}: {len(voices)} voices, {len(locales)} locales, "
          f"{sum(len(v['aliases']) for v in voices)} aliases")


if __name__ == "__main__":
    main()
