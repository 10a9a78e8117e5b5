"""The words readers type for what the site's pages call something else: "pregnant" for the
cautions' "pregnancy", "backache" for "back pain", "sciatic" for "sciatica". Search looks for
the reader's words and these (points.search), and a plural finds its singular ("knees").

Keys are lower case; add a word when readers' searches for it find nothing.
"""

EVERYDAY_WORDS = {
    "pregnant": ["pregnancy"],
    "pregnancy": ["pregnant"],
    "expecting a baby": ["pregnancy"],
    "backache": ["back pain", "lower back"],
    "back ache": ["back pain", "lower back"],
    "bad back": ["back pain"],
    "sore back": ["back pain"],
    "back pain": ["lower back"],
    "low back pain": ["lower back pain"],
    "lumbago": ["lower back pain"],
    "stiff back": ["back stiffness"],
    "sciatic": ["sciatica"],
    "sciatic nerve": ["sciatica"],
    "tummy": ["belly", "abdomen"],
    "stomach": ["belly", "abdomen"],
    "bottom": ["buttock"],
    "bum": ["buttock"],
    "backside": ["buttock"],
    "feet": ["foot"],
    "knees": ["knee"],
    "blood thinner": ["blood thinners"],
    "warfarin": ["blood thinners"],
    "anticoagulant": ["blood thinners"],
    "bruised": ["bruise"],
    "cramp": ["spasm"],
    "cramps": ["spasm"],
    "anxious": ["anxiety"],
    "stressed": ["stress"],
    "tense": ["tension"],
}


def search_terms(query):
    """The query, then the site's words for it, then its singular: each term once."""
    wanted = query.casefold()
    terms = [query, *EVERYDAY_WORDS.get(wanted, [])]
    if len(wanted) > 3 and wanted.endswith("ies"):
        terms.append(wanted[:-3] + "y")
    elif len(wanted) > 3 and wanted.endswith("s") and not wanted.endswith("ss"):
        terms.append(wanted[:-1])
    return list(dict.fromkeys(terms))


def edit_distance(first, second):
    """Optimal string alignment distance: letters added, dropped, changed or swapped."""
    previous_row, row = None, list(range(len(second) + 1))
    for i, letter in enumerate(first, start=1):
        before, previous_row, row = previous_row, row, [i] + [0] * len(second)
        for j, other in enumerate(second, start=1):
            row[j] = min(
                previous_row[j] + 1,
                row[j - 1] + 1,
                previous_row[j - 1] + (letter != other),
            )
            if i > 1 and j > 1 and letter == second[j - 2] and first[i - 2] == other:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[-1]
