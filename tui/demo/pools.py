"""Word pools the demo generator draws from: surnames, places, streets and business words."""

from __future__ import annotations

SURNAMES = """
smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez
gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris
sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill
flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips
evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers
gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson
watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders
patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler
henderson barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton
graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina
aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington
kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter
hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black
robertson boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson
nichols stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce
vazquez hansen peters santos hart bradley knight elliott cunningham duncan armstrong hudson
carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston matthews pena
richards contreras willis carpenter lawrence sandoval guerrero george chapman rios estrada
ortega watkins greene nunez wheeler valdez harper burke larson santiago maldonado morrison
franklin carlson austin dominguez carr lawson jacobs obrien lynch singh vega bishop montgomery
oliver jensen harvey williamson gilbert dean sims espinoza howell li wong reid hanson le mccoy
garrett burton fuller wang weber welch rojas lucas marquez fields park yang little banks
padilla day walsh bowman schultz luna fowler mejia davidson acosta brewer may holland juarez
newman pearson curtis cortez douglas schneider joseph barrett navarro figueroa keller avila
wade molina stanley hopkins campos barnett bates chambers caldwell beck lambert miranda byrd
craig ayala lowe frazier powers neal leonard gregory carrillo sutton fleming rhodes shelton
schwartz norris jennings watts duran walters cohen mcdaniel moran parks steele vaughn becker
holt deleon barker terry hale leon hail benson haynes horton miles lyons pham graves bush
thornton wolfe warner cabrera mckinney mann zimmerman dawson lara fletcher page mccarthy love
robles cervantes solis erickson reeves chang klein salinas fuentes baldwin daniel simon
velasquez
""".split()

CITIES = [
    ("Springfield", "IL", "627"), ("Columbus", "OH", "432"), ("Austin", "TX", "787"),
    ("Denver", "CO", "802"), ("Portland", "OR", "972"), ("Madison", "WI", "537"),
    ("Raleigh", "NC", "276"), ("Boise", "ID", "837"), ("Albany", "NY", "122"),
    ("Trenton", "NJ", "086"), ("Boston", "MA", "021"), ("Hartford", "CT", "061"),
    ("Richmond", "VA", "232"), ("Atlanta", "GA", "303"), ("Nashville", "TN", "372"),
    ("Phoenix", "AZ", "850"), ("Sacramento", "CA", "958"), ("Salem", "OR", "973"),
    ("Lansing", "MI", "489"), ("Des Moines", "IA", "503"), ("Omaha", "NE", "681"),
    ("Tulsa", "OK", "741"), ("Little Rock", "AR", "722"), ("Jackson", "MS", "392"),
    ("Baton Rouge", "LA", "708"), ("Tampa", "FL", "336"), ("Charleston", "SC", "294"),
    ("Pittsburgh", "PA", "152"), ("Burlington", "VT", "054"), ("Concord", "NH", "033"),
    ("Providence", "RI", "029"), ("Dover", "DE", "199"), ("Annapolis", "MD", "214"),
    ("Helena", "MT", "596"), ("Cheyenne", "WY", "820"), ("Fargo", "ND", "581"),
    ("Sioux Falls", "SD", "571"), ("Reno", "NV", "895"), ("Santa Fe", "NM", "875"),
    ("Salt Lake City", "UT", "841"),
]
"""(city, state code, ZIP prefix)."""

STATE_NAMES = {
    "IL": "Illinois", "OH": "Ohio", "TX": "Texas", "CO": "Colorado", "OR": "Oregon",
    "WI": "Wisconsin", "NC": "North Carolina", "NY": "New York", "MA": "Massachusetts",
    "CA": "California", "FL": "Florida", "PA": "Pennsylvania",
}

STREETS = """
oak maple pine cedar elm walnut cherry willow birch chestnut hickory magnolia spruce aspen main
church market park lake hill river spring meadow ridge forest valley sunset highland washington
lincoln jefferson madison franklin adams jackson monroe harrison grant
""".split()

STREET_TYPES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"),
                ("Lane", "Ln"), ("Court", "Ct"), ("Boulevard", "Blvd"), ("Place", "Pl")]

BUSINESS_WORDS = """
acme summit pinnacle northstar bluebird redwood evergreen keystone harbor lighthouse
cornerstone beacon silverline goldleaf ironwood riverbend stonebridge clearwater brightpath
oakridge fairview highpoint landmark meridian horizon heritage liberty patriot frontier
""".split()

BUSINESS_TRADES = """
consulting plumbing dental landscaping bakery construction design logistics realty roofing
catering photography veterinary electric auto painting cleaning insurance marketing media
""".split()

BUSINESS_SUFFIXES = [
    ("LLC", ["L.L.C.", ", LLC", "Llc", ""]),
    ("Inc", ["Inc.", ", Inc.", "Incorporated", ""]),
    ("Corp", ["Corporation", "Corp.", ", Corp"]),
    ("PLLC", ["P.L.L.C.", ", PLLC"]),
    ("Co", ["Company", "Co."]),
    ("Ltd", ["Limited", "Ltd."]),
    ("LLP", ["L.L.P.", ", LLP"]),
]
"""A legal suffix and the spellings a second system may hold for it."""

EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com",
                 "comcast.net", "example.com"]

GENDER_PAIRS = [
    ("eric", "erica"), ("paul", "paula"), ("daniel", "danielle"), ("louis", "louise"),
    ("adrian", "adriana"), ("francis", "frances"), ("gabriel", "gabriela"),
    ("julian", "juliana"), ("christian", "christina"), ("carl", "carla"),
    ("robert", "roberta"), ("patrick", "patricia"), ("victor", "victoria"),
    ("antonio", "antonia"), ("joseph", "josephine"), ("martin", "martina"),
]
"""Given names of relatives one letter or two apart (a brother and sister, a couple)."""

SYLLABLES = """
ba be bi bo bu da de di do ka ke ki ko la le li lo lu ma me mi mo na ne ni no ra re ri ro
sa se si so ta te ti to va ve vi vo za ze zo bran dor gar hel kov mar nov sten ter vik wald
""".split()
"""Syllables for rare surnames: real lists have a long tail of names that occur once."""

COMMON_GIVEN = """
james mary robert patricia john jennifer michael linda david elizabeth william barbara richard
susan joseph jessica thomas sarah christopher karen charles lisa daniel nancy matthew betty
anthony sandra mark margaret donald ashley steven kimberly andrew emily paul donna joshua
michelle kenneth carol kevin amanda brian melissa george deborah timothy stephanie ronald
rebecca jason sharon edward laura jeffrey cynthia ryan dorothy jacob amy gary kathleen
nicholas angela eric shirley jonathan brenda stephen emma larry anna justin pamela scott
nicole brandon samantha benjamin katherine samuel christine gregory helen alexander debra
""".split()
"""The commonest US given names, commonest first (after the Social Security list)."""
