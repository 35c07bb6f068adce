"""English sentence templates: neutral everyday forum talk (data).

Slots in braces are filled from ``SLOTS``; ``GENERIC`` sentences fit any thread.
"""

from __future__ import annotations

CATEGORIES = ("weather", "cooking", "football", "travel", "computers", "gardening", "music", "films")

SLOTS: dict[str, tuple[str, ...]] = {
    "dish": ("lasagne", "chicken curry", "banana bread", "vegetable soup", "pancakes", "chili",
             "risotto", "apple pie", "fish pie", "stir fry", "shepherd's pie", "lentil stew"),
    "veg": ("tomatoes", "courgettes", "carrots", "potatoes", "beans", "onions", "peppers",
            "lettuce", "pumpkins", "strawberries", "garlic", "cucumbers"),
    "team": ("Arsenal", "Bayern", "Ajax", "Benfica", "Celtic", "Juventus", "Porto", "Leeds",
             "Dortmund", "Lyon", "Valencia", "Feyenoord"),
    "city": ("Lisbon", "Prague", "Vienna", "Edinburgh", "Copenhagen", "Barcelona", "Krakow",
             "Dublin", "Bruges", "Seville", "Budapest", "Oslo"),
    "device": ("laptop", "router", "graphics card", "old PC", "printer", "SSD", "monitor",
               "keyboard", "tablet", "NAS box"),
    "os": ("Linux Mint", "Windows 10", "Ubuntu", "Debian", "Windows 7", "Fedora"),
    "plant": ("roses", "tomato plants", "basil plants", "lavender bushes", "apple trees", "hydrangeas",
              "sunflowers", "mint plants", "raspberry canes", "tulips"),
    "genre": ("jazz", "old rock", "blues", "folk", "synth pop", "classical", "metal", "reggae"),
    "film": ("that new space film", "the old western", "the documentary about whales",
             "the detective series", "the animated film", "the war drama", "the heist film"),
    "day": ("Saturday", "Sunday", "Monday", "Friday", "Wednesday", "Tuesday", "Thursday"),
    "num": ("two", "three", "four", "five", "ten", "twenty"),
    "month": ("March", "April", "May", "June", "August", "September", "October", "November"),
}

GENERIC: tuple[str, ...] = (
    "I think you are right about that.", "Thanks for sharing, really useful.",
    "Not sure I agree, but it is an interesting point.", "Same here, I had exactly the same problem.",
    "Good question, I was wondering about that too.", "Anyway, that is just my opinion.",
    "Has anyone else tried this?", "I will give it a go and report back.",
    "That made me laugh.", "Welcome to the forum by the way.",
    "Sorry for the late reply, busy week at work.", "I read the whole thread and learned a lot.",
    "Maybe we should start a separate thread for this.", "I really like this community.",
    "Probably the best advice I have seen here.", "I am going to try that this weekend.",
    "Just my two cents.", "Does anyone know where to find more about this?",
    "It depends on what you want to do with it.", "I had no idea, thanks.",
    "That is a good tip, I will remember it.", "Definitely worth a try.",
    "I want to say thanks to everyone who replied.", "Okay, that makes sense now.",
    "Back from holiday and catching up with the forum.", "Great thread, keep it going.",
    "Honestly I never thought about it that way.", "I guess it depends on the budget.",
    "Let us know how it goes.", "Interesting, I will look into it.",
    "Agreed, although it takes some patience.", "I have been reading here for a while before posting.",
    "Happy to help if I can.", "That sounds like a good plan.", "Fair enough.",
    "You are not the only one, believe me.", "Also, check the first post, it explains a lot.",
    "I think it is going to be fine.", "Because of the price I waited a bit.",
    "Though to be honest it was worth it.",
)

TOPICAL: dict[str, tuple[str, ...]] = {
    "weather": (
        "It has been raining here for {num} days now.", "Finally some sun on {day}.",
        "The forecast says snow again next week.", "Storm last night, the fence is down.",
        "It is really hot here, I can not sleep.", "Fog every morning this month.",
        "We had hail the size of marbles on {day}.", "Spring seems to come late this year.",
        "The wind was so strong the bins flew across the street.", "Perfect weather for a long walk.",
        "I think this {month} was the wettest I remember.", "Frost on the car again this morning.",
    ),
    "cooking": (
        "I made {dish} on {day} and it turned out great.", "The trick with {dish} is to go slow.",
        "Does anyone have a good recipe for {dish}?", "I always add a bit more garlic than the recipe says.",
        "My {dish} was too salty, what did I do wrong?", "Fresh {veg} from the market make all the difference.",
        "I bake bread every week now.", "The oven temperature matters more than people think.",
        "I really want to learn how to make proper {dish}.", "Leftover {dish} is even better the next day.",
        "A cast iron pan changed my cooking.", "I freeze the sauce in portions for busy days.",
    ),
    "football": (
        "What a match on {day}, {team} were brilliant.", "The referee was terrible again.",
        "I think {team} will win the league this year.", "That transfer makes no sense to me.",
        "Our keeper saved us {num} times.", "The second half was really boring.",
        "I went to the stadium with my brother on {day}.", "{team} need a new striker.",
        "The derby is always special.", "The defence looked lost without the captain.",
        "Penalties again, my nerves can not take it.", "Good to see young players getting a chance.",
    ),
    "travel": (
        "We spent a week in {city} in {month}.", "The train from {city} was slow but beautiful.",
        "Does anyone know a good cheap hotel in {city}?", "The old town of {city} is worth a visit.",
        "Book early, the prices go up fast.", "I always travel with hand luggage only.",
        "The food in {city} was amazing.", "We rented bikes and saw the whole city.",
        "Avoid the tourist restaurants near the station.", "The museums are free on the first Sunday.",
        "I am going to {city} in {month}, any tips?", "The ferry crossing was rough but fun.",
    ),
    "computers": (
        "My {device} keeps freezing after the update.", "I switched to {os} and I am happy with it.",
        "Did you try turning off fast startup?", "The drivers for the {device} are a mess.",
        "I really recommend an SSD, it is like a new machine.", "Backups, people, make backups.",
        "My {device} makes a strange noise when it starts.", "{os} runs fine on my old hardware.",
        "Check the cables first, it is often that simple.", "I reinstalled everything and now it works.",
        "The fan was full of dust, cleaning it fixed the heat.", "Which {device} would you buy for under 200?",
    ),
    "gardening": (
        "My {plant} are finally flowering.", "The slugs ate all my {veg} again.",
        "I planted {veg} in {month}, was that too early?", "Compost really makes a difference.",
        "Water in the evening, not at midday.", "The {plant} need more sun than I thought.",
        "I built a small greenhouse from old windows.", "Does anyone know why the leaves turn yellow?",
        "This year the {veg} did really well.", "Mulch saved me a lot of watering.",
        "I cut back the {plant} on {day}.", "The birds love the seeds we put out.",
    ),
    "music": (
        "I have been listening to a lot of {genre} lately.", "Saw a great {genre} band live on {day}.",
        "Vinyl just sounds warmer to me.", "I started learning guitar at forty.",
        "Does anyone have tips for cheap headphones?", "That album still holds up today.",
        "My neighbour plays drums, every evening.", "I really like old {genre} records.",
        "The festival line-up this year is weak.", "I practise piano for twenty minutes a day.",
        "Live recordings are always better.", "Any {genre} recommendations for a long drive?",
    ),
    "films": (
        "Watched {film} on {day}, not bad at all.", "The book was better, as usual.",
        "I think the ending was rushed.", "The soundtrack was the best part.",
        "Does anyone else rewatch old series in winter?", "The acting was great but the story was thin.",
        "I fell asleep halfway through {film}.", "Cinema tickets are so expensive now.",
        "I really liked the photography in {film}.", "That series went downhill after season two.",
        "Subtitles are always better than dubbing.", "I read {num} books this month.",
    ),
}

SUBJECTS: dict[str, tuple[str, ...]] = {
    "weather": ("Weather where you live", "Rain, rain, rain", "Storm tonight", "First frost",
                "Heatwave", "Snow pictures"),
    "cooking": ("Best {dish} recipe?", "What did you cook today", "Bread baking thread",
                "Help with {dish}", "Cheap weekly meals", "Favourite spices"),
    "football": ("{team} match thread", "Transfer rumours", "Weekend results", "Best goal this season",
                 "Referees this year", "Who wins the league?"),
    "travel": ("Tips for {city}", "Train travel in Europe", "Holiday plans", "Cheap hotels in {city}",
               "Packing light", "Best city trip"),
    "computers": ("{device} problems", "Switching to {os}", "Which {device} to buy", "Backup strategy",
                  "Slow PC after update", "Building a new PC"),
    "gardening": ("Growing {veg}", "My {plant}", "Slug problem", "Greenhouse ideas", "Compost questions",
                  "Garden photos"),
    "music": ("What are you listening to", "{genre} recommendations", "Concerts this year",
              "Learning an instrument", "Vinyl collection", "Headphones advice"),
    "films": ("Last film you watched", "Series recommendations", "Book club", "Cinema or streaming",
              "Best soundtrack", "Films for a rainy day"),
}

PM_SUBJECTS = ("Hello", "Question", "About your post", "Thanks", "The recipe", "Quick question",
               "Re: your thread", "Hi there", "Meeting", "Photos")

PM_OPENERS: tuple[str, ...] = (
    "Hi, I saw your post in the {cat} section.", "Thanks for your reply in the thread.",
    "Hope you are well.", "Sorry to bother you with a PM.", "Quick question about what you wrote.",
    "Just wanted to say thanks.", "Did you ever find a solution?", "I did not want to post this publicly.",
)
