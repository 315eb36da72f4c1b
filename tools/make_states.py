"""Draft `src/normwatch/kb/data/states.yaml` from pycountry plus the hand-checked table below.

Run once (`.venv/bin/python tools/make_states.py > src/normwatch/kb/data/states.yaml`) and then
edit the YAML by hand: the committed YAML is the data, this script only saves typing. pycountry
gives the ISO codes and official names; everything people actually write (short names, aliases,
adjectives, demonyms, capital metonyms) and the UN regions come from the table here.

Row format: ISO3 | display name | capital[;other seats] | adjectives | demonyms | aliases | abbreviations
Lists are ';'-separated. An empty demonym cell means "the adjective and its plural".
A leading '~' marks a form that also means something else (the `ambiguous` list).
"""

from __future__ import annotations

import sys

import pycountry
import yaml

SUBREGIONS = {
    "Northern Africa": "DZA EGY LBY MAR SDN TUN",
    "Eastern Africa": "BDI COM DJI ERI ETH KEN MDG MWI MUS MOZ RWA SYC SOM SSD UGA TZA ZMB ZWE",
    "Middle Africa": "AGO CMR CAF TCD COG COD GNQ GAB STP",
    "Southern Africa": "BWA SWZ LSO NAM ZAF",
    "Western Africa": "BEN BFA CPV CIV GMB GHA GIN GNB LBR MLI MRT NER NGA SEN SLE TGO",
    "Caribbean": "ATG BHS BRB CUB DMA DOM GRD HTI JAM KNA LCA VCT TTO",
    "Central America": "BLZ CRI SLV GTM HND MEX NIC PAN",
    "South America": "ARG BOL BRA CHL COL ECU GUY PRY PER SUR URY VEN",
    "Northern America": "CAN USA",
    "Central Asia": "KAZ KGZ TJK TKM UZB",
    "Eastern Asia": "CHN JPN MNG PRK KOR TWN",
    "South-eastern Asia": "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM",
    "Southern Asia": "AFG BGD BTN IND IRN MDV NPL PAK LKA",
    "Western Asia": "ARM AZE BHR CYP GEO IRQ ISR JOR KWT LBN OMN QAT SAU PSE SYR TUR ARE YEM",
    "Eastern Europe": "BLR BGR CZE HUN POL MDA ROU RUS SVK UKR",
    "Northern Europe": "DNK EST FIN ISL IRL LVA LTU NOR SWE GBR",
    "Southern Europe": "ALB AND BIH HRV GRC VAT ITA MLT MNE MKD PRT SMR SRB SVN ESP XKX",
    "Western Europe": "AUT BEL FRA DEU LIE LUX MCO NLD CHE",
    "Australia and New Zealand": "AUS NZL",
    "Melanesia": "FJI PNG SLB VUT",
    "Micronesia": "KIR MHL FSM NRU PLW",
    "Polynesia": "WSM TON TUV",
}
REGION_OF_SUB = {
    "Africa": ("Northern Africa", "Eastern Africa", "Middle Africa", "Southern Africa", "Western Africa"),
    "Americas": ("Caribbean", "Central America", "South America", "Northern America"),
    "Asia": ("Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"),
    "Europe": ("Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"),
    "Oceania": ("Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"),
}
OBSERVERS = {"VAT", "PSE"}
OTHERS = {"XKX", "TWN"}

TABLE = """
AFG|Afghanistan|Kabul|Afghan|Afghan;Afghans|Islamic Republic of Afghanistan|
ALB|Albania|Tirana|Albanian||Republic of Albania|
DZA|Algeria|Algiers|Algerian||People's Democratic Republic of Algeria|
AND|Andorra|Andorra la Vella|Andorran||Principality of Andorra|
AGO|Angola|Luanda|Angolan||Republic of Angola|
ATG|Antigua and Barbuda|St. John's|Antiguan;Barbudan|Antiguan;Antiguans||
ARG|Argentina|Buenos Aires|Argentine;Argentinian|Argentine;Argentines;Argentinian;Argentinians|Argentine Republic|
ARM|Armenia|Yerevan|Armenian||Republic of Armenia|
AUS|Australia|Canberra|Australian||Commonwealth of Australia|
AUT|Austria|Vienna|Austrian||Republic of Austria|
AZE|Azerbaijan|Baku|Azerbaijani;Azeri|Azerbaijani;Azerbaijanis;Azeri;Azeris|Republic of Azerbaijan|
BHS|Bahamas|Nassau|Bahamian||The Bahamas;Commonwealth of The Bahamas|
BHR|Bahrain|Manama|Bahraini||Kingdom of Bahrain|
BGD|Bangladesh|Dhaka|Bangladeshi||People's Republic of Bangladesh|
BRB|Barbados|Bridgetown|Barbadian;Bajan|Barbadian;Barbadians||
BLR|Belarus|Minsk|Belarusian;Belarussian|Belarusian;Belarusians|Republic of Belarus;Byelorussia|
BEL|Belgium|Brussels|Belgian||Kingdom of Belgium|
BLZ|Belize|Belmopan|Belizean|||
BEN|Benin|Porto-Novo|Beninese|Beninese|Republic of Benin|
BTN|Bhutan|Thimphu|Bhutanese|Bhutanese|Kingdom of Bhutan|
BOL|Bolivia|Sucre;La Paz|Bolivian||Plurinational State of Bolivia|
BIH|Bosnia and Herzegovina|Sarajevo|Bosnian;Herzegovinian|Bosnian;Bosnians|Bosnia|BiH
BWA|Botswana|Gaborone|Botswanan;Motswana|Motswana;Batswana|Republic of Botswana|
BRA|Brazil|Brasília;Brasilia|Brazilian||Federative Republic of Brazil|
BRN|Brunei|Bandar Seri Begawan|Bruneian||Brunei Darussalam|
BGR|Bulgaria|Sofia|Bulgarian||Republic of Bulgaria|
BFA|Burkina Faso|Ouagadougou|Burkinabe;Burkinabè|Burkinabe;Burkinabè||
BDI|Burundi|Gitega|Burundian||Republic of Burundi|
CPV|Cabo Verde|Praia|Cabo Verdean;Cape Verdean|Cabo Verdean;Cabo Verdeans;Cape Verdean;Cape Verdeans|Cape Verde;Republic of Cabo Verde|
KHM|Cambodia|Phnom Penh|Cambodian;Khmer|Cambodian;Cambodians|Kingdom of Cambodia|
CMR|Cameroon|Yaoundé;Yaounde|Cameroonian||Republic of Cameroon|
CAN|Canada|Ottawa|Canadian|||
CAF|Central African Republic|Bangui|Central African|Central African;Central Africans||CAR
TCD|~Chad|N'Djamena|Chadian||Republic of Chad|
CHL|Chile|Santiago|Chilean||Republic of Chile|
CHN|China|Beijing|Chinese|Chinese|People's Republic of China;mainland China|PRC;P.R.C.
COL|Colombia|Bogotá;Bogota|Colombian||Republic of Colombia|
COM|Comoros|Moroni|Comoran;Comorian|Comoran;Comorans;Comorian;Comorians|Union of the Comoros;the Comoros|
COG|Republic of the Congo|Brazzaville|~Congolese|~Congolese|Congo-Brazzaville;Congo Republic;~Congo|
CRI|Costa Rica|San José;San Jose|Costa Rican||Republic of Costa Rica|
CIV|Côte d'Ivoire|Yamoussoukro;Abidjan|Ivorian||Ivory Coast;Cote d'Ivoire;Republic of Côte d'Ivoire|
HRV|Croatia|Zagreb|Croatian|Croatian;Croatians;Croat;Croats|Republic of Croatia|
CUB|Cuba|Havana|Cuban||Republic of Cuba|
CYP|Cyprus|Nicosia|Cypriot||Republic of Cyprus|
CZE|Czechia|Prague|Czech|Czech;Czechs|Czech Republic|
PRK|North Korea|Pyongyang|North Korean||Democratic People's Republic of Korea;N. Korea|DPRK
COD|Democratic Republic of the Congo|Kinshasa|~Congolese|~Congolese|DR Congo;D.R. Congo;Congo-Kinshasa;Democratic Republic of Congo|DRC
DNK|Denmark|Copenhagen|Danish|Dane;Danes|Kingdom of Denmark|
DJI|Djibouti|Djibouti|Djiboutian||Republic of Djibouti|
DMA|Dominica|Roseau|Dominican|~Dominican|Commonwealth of Dominica|
DOM|Dominican Republic|Santo Domingo|~Dominican|~Dominican;~Dominicans||
ECU|Ecuador|Quito|Ecuadorian;Ecuadorean||Republic of Ecuador|
EGY|Egypt|Cairo|Egyptian||Arab Republic of Egypt|
SLV|El Salvador|San Salvador|Salvadoran;Salvadorean||Republic of El Salvador|
GNQ|Equatorial Guinea|Malabo|Equatoguinean;Equatorial Guinean|||
ERI|Eritrea|Asmara|Eritrean||State of Eritrea|
EST|Estonia|Tallinn|Estonian||Republic of Estonia|
SWZ|Eswatini|Mbabane;Lobamba|Swazi;Emaswati|Swazi;Swazis|Swaziland;Kingdom of Eswatini|
ETH|Ethiopia|Addis Ababa|Ethiopian||Federal Democratic Republic of Ethiopia|
FJI|Fiji|Suva|Fijian||Republic of Fiji|
FIN|Finland|Helsinki|Finnish|Finn;Finns|Republic of Finland|
FRA|France|Paris|French|French;Frenchman;Frenchwoman|French Republic|
GAB|Gabon|Libreville|Gabonese|Gabonese|Gabonese Republic|
GMB|Gambia|Banjul|Gambian||The Gambia;Republic of The Gambia|
GEO|~Georgia|Tbilisi|~Georgian|~Georgian;~Georgians||
DEU|Germany|Berlin|German||Federal Republic of Germany|
GHA|Ghana|Accra|Ghanaian||Republic of Ghana|
GRC|Greece|Athens|Greek|Greek;Greeks|Hellenic Republic|
GRD|Grenada|St. George's|Grenadian|||
GTM|Guatemala|Guatemala City|Guatemalan||Republic of Guatemala|
GIN|Guinea|Conakry|Guinean||Republic of Guinea|
GNB|Guinea-Bissau|Bissau|Bissau-Guinean|||
GUY|Guyana|Georgetown|Guyanese|Guyanese|Co-operative Republic of Guyana|
HTI|Haiti|Port-au-Prince|Haitian||Republic of Haiti|
HND|Honduras|Tegucigalpa|Honduran||Republic of Honduras|
HUN|Hungary|Budapest|Hungarian|||
ISL|Iceland|Reykjavík;Reykjavik|Icelandic|Icelander;Icelanders||
IND|India|New Delhi|Indian||Republic of India|
IDN|Indonesia|Jakarta|Indonesian||Republic of Indonesia|
IRN|Iran|Tehran|Iranian||Islamic Republic of Iran;Persia|
IRQ|Iraq|Baghdad|Iraqi||Republic of Iraq|
IRL|Ireland|Dublin|Irish|Irish;Irishman;Irishwoman|Republic of Ireland|
ISR|Israel|Jerusalem;Tel Aviv|Israeli||State of Israel|
ITA|Italy|Rome|Italian||Italian Republic|
JAM|Jamaica|Kingston|Jamaican|||
JPN|Japan|Tokyo|Japanese|Japanese||
JOR|~Jordan|Amman|Jordanian||Hashemite Kingdom of Jordan|
KAZ|Kazakhstan|Astana|Kazakh;Kazakhstani|Kazakh;Kazakhs;Kazakhstani;Kazakhstanis|Republic of Kazakhstan|
KEN|Kenya|Nairobi|Kenyan||Republic of Kenya|
KIR|Kiribati|Tarawa|I-Kiribati|I-Kiribati|Republic of Kiribati|
KWT|Kuwait|Kuwait City|Kuwaiti||State of Kuwait|
KGZ|Kyrgyzstan|Bishkek|Kyrgyz;Kyrgyzstani|Kyrgyz;Kyrgyzstani;Kyrgyzstanis|Kyrgyz Republic;Kirghizia|
LAO|Laos|Vientiane|Lao;Laotian|Lao;Laotian;Laotians|Lao People's Democratic Republic;Lao PDR|
LVA|Latvia|Riga|Latvian||Republic of Latvia|
LBN|Lebanon|Beirut|Lebanese|Lebanese|Lebanese Republic|
LSO|Lesotho|Maseru|Basotho;Mosotho|Mosotho;Basotho|Kingdom of Lesotho|
LBR|Liberia|Monrovia|Liberian||Republic of Liberia|
LBY|Libya|Tripoli|Libyan||State of Libya|
LIE|Liechtenstein|Vaduz|Liechtensteiner|Liechtensteiner;Liechtensteiners|Principality of Liechtenstein|
LTU|Lithuania|Vilnius|Lithuanian||Republic of Lithuania|
LUX|Luxembourg|Luxembourg|Luxembourgish;Luxembourg|Luxembourger;Luxembourgers|Grand Duchy of Luxembourg|
MDG|Madagascar|Antananarivo|Malagasy|Malagasy|Republic of Madagascar|
MWI|Malawi|Lilongwe|Malawian||Republic of Malawi|
MYS|Malaysia|Kuala Lumpur;Putrajaya|Malaysian|||
MDV|Maldives|Malé;Male|Maldivian||Republic of Maldives;the Maldives|
MLI|Mali|Bamako|Malian||Republic of Mali|
MLT|Malta|Valletta|Maltese|Maltese|Republic of Malta|
MHL|Marshall Islands|Majuro|Marshallese|Marshallese|Republic of the Marshall Islands|
MRT|Mauritania|Nouakchott|Mauritanian||Islamic Republic of Mauritania|
MUS|Mauritius|Port Louis|Mauritian||Republic of Mauritius|
MEX|Mexico|Mexico City|Mexican||United Mexican States|
FSM|~Micronesia|Palikir|Micronesian||Federated States of Micronesia|FSM
MCO|Monaco|Monaco|Monegasque;Monacan|Monegasque;Monegasques||
MNG|Mongolia|Ulaanbaatar;Ulan Bator|Mongolian||
MNE|Montenegro|Podgorica|Montenegrin|||
MAR|Morocco|Rabat|Moroccan||Kingdom of Morocco|
MOZ|Mozambique|Maputo|Mozambican||Republic of Mozambique|
MMR|Myanmar|Naypyidaw;Nay Pyi Taw|Myanmar;Burmese|Burmese||Burma;Republic of the Union of Myanmar|
NAM|Namibia|Windhoek|Namibian||Republic of Namibia|
NRU|Nauru|Yaren|Nauruan||Republic of Nauru|
NPL|Nepal|Kathmandu|Nepali;Nepalese|Nepali;Nepalis;Nepalese||
NLD|Netherlands|Amsterdam;The Hague|Dutch|Dutch;Dutchman;Dutchwoman|the Netherlands;Kingdom of the Netherlands;~Holland|
NZL|New Zealand|Wellington|New Zealand|New Zealander;New Zealanders||NZ
NIC|Nicaragua|Managua|Nicaraguan||Republic of Nicaragua|
NER|Niger|Niamey|Nigerien|Nigerien;Nigeriens|Republic of the Niger;the Niger|
NGA|Nigeria|Abuja|Nigerian||Federal Republic of Nigeria|
MKD|North Macedonia|Skopje|Macedonian;North Macedonian|Macedonian;Macedonians|Republic of North Macedonia;~Macedonia;FYROM|
NOR|Norway|Oslo|Norwegian||Kingdom of Norway|
OMN|Oman|Muscat|Omani||Sultanate of Oman|
PAK|Pakistan|Islamabad|Pakistani||Islamic Republic of Pakistan|
PLW|Palau|Ngerulmud|Palauan||Republic of Palau|
PAN|Panama|Panama City|Panamanian||Republic of Panama|
PNG|Papua New Guinea|Port Moresby|Papua New Guinean;Papuan|Papua New Guinean;Papua New Guineans||PNG
PRY|Paraguay|Asunción;Asuncion|Paraguayan||Republic of Paraguay|
PER|Peru|Lima|Peruvian||Republic of Peru|
PHL|Philippines|Manila|Philippine;Filipino|Filipino;Filipinos;Filipina;Filipinas|the Philippines;Republic of the Philippines|
POL|Poland|Warsaw|Polish|Pole;Poles|Republic of Poland|
PRT|Portugal|Lisbon|Portuguese|Portuguese|Portuguese Republic|
QAT|Qatar|Doha|Qatari||State of Qatar|
KOR|South Korea|Seoul|South Korean||Republic of Korea;S. Korea|ROK
MDA|Moldova|Chișinău;Chisinau|Moldovan||Republic of Moldova|
ROU|Romania|Bucharest|Romanian|||
RUS|Russia|Moscow;the Kremlin|Russian||Russian Federation|
RWA|Rwanda|Kigali|Rwandan||Republic of Rwanda|
KNA|Saint Kitts and Nevis|Basseterre|Kittitian;Nevisian|Kittitian;Kittitians;Nevisian;Nevisians|St Kitts and Nevis;St. Kitts and Nevis|
LCA|Saint Lucia|Castries|Saint Lucian;St Lucian|Saint Lucian;Saint Lucians|St Lucia;St. Lucia|
VCT|Saint Vincent and the Grenadines|Kingstown|Vincentian|Vincentian;Vincentians|St Vincent and the Grenadines;St. Vincent and the Grenadines|
WSM|Samoa|Apia|Samoan||Independent State of Samoa|
SMR|San Marino|San Marino|Sammarinese|Sammarinese|Republic of San Marino|
STP|Sao Tome and Principe|São Tomé;Sao Tome|Santomean;São Toméan|Santomean;Santomeans|São Tomé and Príncipe|
SAU|Saudi Arabia|Riyadh|Saudi;Saudi Arabian|Saudi;Saudis;Saudi Arabian;Saudi Arabians|Kingdom of Saudi Arabia|KSA
SEN|Senegal|Dakar|Senegalese|Senegalese|Republic of Senegal|
SRB|Serbia|Belgrade|Serbian;Serb|Serb;Serbs;Serbian;Serbians|Republic of Serbia|
SYC|Seychelles|Victoria|Seychellois|Seychellois|Republic of Seychelles;the Seychelles|
SLE|Sierra Leone|Freetown|Sierra Leonean|||
SGP|Singapore|Singapore|Singaporean||Republic of Singapore|
SVK|Slovakia|Bratislava|Slovak;Slovakian|Slovak;Slovaks|Slovak Republic|
SVN|Slovenia|Ljubljana|Slovenian;Slovene|Slovenian;Slovenians;Slovene;Slovenes|Republic of Slovenia|
SLB|Solomon Islands|Honiara|Solomon Islander|Solomon Islander;Solomon Islanders|the Solomon Islands|
SOM|Somalia|Mogadishu|Somali|Somali;Somalis|Federal Republic of Somalia|
ZAF|South Africa|Pretoria;Cape Town|South African||Republic of South Africa|
SSD|South Sudan|Juba|South Sudanese|South Sudanese|Republic of South Sudan|
ESP|Spain|Madrid|Spanish|Spaniard;Spaniards|Kingdom of Spain|
LKA|Sri Lanka|Sri Jayawardenepura Kotte;Colombo|Sri Lankan||Democratic Socialist Republic of Sri Lanka|
SDN|Sudan|Khartoum|Sudanese|Sudanese|Republic of the Sudan;the Sudan|
SUR|Suriname|Paramaribo|Surinamese|Surinamese;Surinamer;Surinamers|Republic of Suriname|
SWE|Sweden|Stockholm|Swedish|Swede;Swedes|Kingdom of Sweden|
CHE|Switzerland|Bern;Berne|Swiss|Swiss|Swiss Confederation|
SYR|Syria|Damascus|Syrian||Syrian Arab Republic|
TJK|Tajikistan|Dushanbe|Tajik;Tajikistani|Tajik;Tajiks|Republic of Tajikistan|
THA|Thailand|Bangkok|Thai|Thai;Thais|Kingdom of Thailand|
TLS|Timor-Leste|Dili|Timorese|Timorese|East Timor;Democratic Republic of Timor-Leste|
TGO|Togo|Lomé;Lome|Togolese|Togolese|Togolese Republic|
TON|Tonga|Nuku'alofa|Tongan||Kingdom of Tonga|
TTO|Trinidad and Tobago|Port of Spain|Trinidadian;Tobagonian|Trinidadian;Trinidadians;Tobagonian;Tobagonians|Trinidad|
TUN|Tunisia|Tunis|Tunisian||Republic of Tunisia|
TUR|Türkiye|Ankara|Turkish|Turk;Turks|~Turkey;Turkiye;Republic of Türkiye|
TKM|Turkmenistan|Ashgabat|Turkmen|Turkmen||
TUV|Tuvalu|Funafuti|Tuvaluan|||
UGA|Uganda|Kampala|Ugandan||Republic of Uganda|
UKR|Ukraine|Kyiv;Kiev|Ukrainian|||
ARE|United Arab Emirates|Abu Dhabi|Emirati|Emirati;Emiratis|the Emirates;~Emirates|UAE;U.A.E.
GBR|United Kingdom|London;Whitehall;Downing Street|British|Briton;Britons;British|Britain;Great Britain;United Kingdom of Great Britain and Northern Ireland;the United Kingdom|UK;U.K.
TZA|Tanzania|Dodoma|Tanzanian||United Republic of Tanzania|
USA|United States|Washington|American|American;Americans|United States of America;the United States;~America;the States|US;U.S.;USA;U.S.A.
URY|Uruguay|Montevideo|Uruguayan||Oriental Republic of Uruguay|
UZB|Uzbekistan|Tashkent|Uzbek;Uzbekistani|Uzbek;Uzbeks|Republic of Uzbekistan|
VUT|Vanuatu|Port Vila|Ni-Vanuatu;Vanuatuan|Ni-Vanuatu||
VEN|Venezuela|Caracas|Venezuelan||Bolivarian Republic of Venezuela|
VNM|Viet Nam|Hanoi|Vietnamese|Vietnamese|Vietnam;Socialist Republic of Viet Nam|
YEM|Yemen|Sanaa;Sana'a|Yemeni;Yemenite|Yemeni;Yemenis|Republic of Yemen|
ZMB|Zambia|Lusaka|Zambian||Republic of Zambia|
ZWE|Zimbabwe|Harare|Zimbabwean||Republic of Zimbabwe|
VAT|Holy See|Vatican City|Vatican|||Vatican;Vatican City;Vatican City State|
PSE|Palestine|Ramallah|Palestinian||State of Palestine;Palestinian territories|
XKX|Kosovo|Pristina;Prishtina|Kosovar;Kosovan|Kosovar;Kosovars||
TWN|Taiwan|Taipei|Taiwanese|Taiwanese|Republic of China;Chinese Taipei|ROC
"""

UNCERTAIN = {
    "XKX": "Not in ISO 3166-1: XKX is the user-assigned code in common use. Not a UN member; its statehood "
           "is recognised by some states and disputed by others (including Serbia).",
    "TWN": "Not a UN member since GA resolution 2758 (1971); its status is disputed. ISO 3166-1 lists it "
           "as TWN.",
    "PSE": "UN non-member observer state since 2012 (GA resolution 67/19); capital contested. Ramallah is "
           "the seat of government.",
    "ISR": "The status of Jerusalem as capital is disputed; many embassies are in Tel Aviv.",
}
SUMMARY = {
    "XKX": "Declared independence from Serbia in 2008; not a UN member.",
    "TWN": "Governed by the Republic of China; takes part in some bodies as 'Chinese Taipei'.",
    "VAT": "UN non-member observer state represented by the Holy See.",
    "PSE": "UN non-member observer state.",
}
OFFICIAL = {"TWN": "Republic of China", "XKX": "Republic of Kosovo", "VAT": "Holy See",
            "PSE": "State of Palestine", "COD": "Democratic Republic of the Congo",
            "COG": "Republic of the Congo"}
SOURCE = ("ISO 3166-1 codes and official names via pycountry; UN membership and observer list (un.org); "
          "UN M49 geoscheme regions; names, demonyms and capitals hand-checked")


def split(cell: str) -> tuple[list[str], list[str]]:
    """Forms in a cell and the ambiguous ones among them (marked with '~')."""
    forms, amb = [], []
    for x in cell.split(";"):
        x = x.strip()
        if not x:
            continue
        if x.startswith("~"):
            x = x[1:]
            amb.append(x)
        forms.append(x)
    return forms, amb


def default_demonyms(adjs: list[str]) -> list[str]:
    a = adjs[0]
    if a.endswith(("ese", "ss", "sh", "ch")):
        return [a]
    return [a, a + "s"]


def rows() -> list[dict]:
    sub_of = {c: s for s, codes in SUBREGIONS.items() for c in codes.split()}
    region_of = {s: r for r, subs in REGION_OF_SUB.items() for s in subs}
    out = []
    for line in TABLE.strip().splitlines():
        cells = (line.split("|") + [""] * 7)[:7]
        iso3, name_cell, caps, adjs_c, dems_c, als_c, abbr_c = (c.strip() for c in cells)
        (name,), amb = split(name_cell)
        capitals, _ = split(caps)
        adjs, a1 = split(adjs_c)
        dems, a2 = split(dems_c)
        aliases, a3 = split(als_c)
        abbrs, a4 = split(abbr_c)
        amb += a1 + a2 + a3 + a4
        adjectives = list(adjs)
        if not dems:
            dems = default_demonyms(adjs)
        c = pycountry.countries.get(alpha_3=iso3)
        official = OFFICIAL.get(iso3) or (c and (getattr(c, "official_name", None) or c.name)) or name
        if official in aliases:
            pass
        elif official != name:
            aliases.insert(0, official)
        iso_name = c.name if c else None
        if iso_name and iso_name not in aliases and iso_name != name and "," not in iso_name and "(" not in iso_name:
            aliases.append(iso_name)
        sub = sub_of[iso3]
        rec = {
            "id": f"state:{iso3}",
            "name": name,
            "iso2": c.alpha_2 if c else ("XK" if iso3 == "XKX" else None),
            "official_name": official,
            "status": "observer" if iso3 in OBSERVERS else "other" if iso3 in OTHERS else "member",
            "region": region_of[sub],
            "subregion": sub,
            "aliases": aliases,
        }
        if abbrs:
            rec["abbreviations"] = abbrs
        rec["demonyms"] = dems
        rec["adjectives"] = adjectives
        rec["capital"] = capitals[0] if capitals else None
        if len(capitals) > 1:
            rec["capitals"] = capitals[1:]
        if amb:
            rec["ambiguous"] = sorted(set(amb))
        if iso3 in SUMMARY:
            rec["summary"] = SUMMARY[iso3]
        rec["source"] = SOURCE
        rec["uncertain"] = UNCERTAIN.get(iso3)
        out.append(rec)
    return out


def main() -> None:
    recs = rows()
    members = sum(1 for r in recs if r["status"] == "member")
    if members != 193:
        sys.exit(f"expected 193 UN members, got {members}")
    sys.stdout.write("# UN member states, observer states, Kosovo and Taiwan. Drafted by tools/make_states.py\n"
                     "# from pycountry and a hand-checked table, then edited by hand: this YAML is the data.\n"
                     "# `ambiguous` lists forms that also mean something else (use them only with context).\n")
    sys.stdout.write(yaml.safe_dump({"states": recs}, allow_unicode=True, sort_keys=False, width=110))


if __name__ == "__main__":
    main()
