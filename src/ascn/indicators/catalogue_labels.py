"""The indicator catalogue's names, definitions and units, for the catalogues.
Written by ``scripts/catalogue.py labels``; do not edit by hand."""

from django.utils.translation import gettext_noop

LABELS = [
    gettext_noop("Urban population living in slums, informal settlements or inadequate housing"),
    gettext_noop(
        "Share of the city's population living in households that lack at least one of the basic conditions of a decent home (safe water, sanitation, durable structure, enough living space, secure tenure), in informal settlements or in inadequate housing."
    ),
    gettext_noop("Population with convenient access to public transport"),
    gettext_noop(
        "Share of the city's population living within a walk of 500 m along the street network of a low-capacity public transport stop (bus, bus rapid transit), or of 1 km of a high-capacity one (rail, metro, ferry)."
    ),
    gettext_noop("Ratio of land consumption rate to population growth rate"),
    gettext_noop(
        "How fast the city's built-up land grows compared with its population over the same period. Above 1, land is taken faster than people arrive (sprawl); below 1 the city densifies. Read with the city's context rather than ranked."
    ),
    gettext_noop("ratio"),
    gettext_noop("Civil society's direct participation in urban planning and management"),
    gettext_noop(
        "Whether residents and civil-society groups take part directly, regularly and democratically in the city's planning and management: its score on UN-Habitat's questionnaire, which asks about participation in plans, budgets and the follow-up of urban services."
    ),
    gettext_noop("score"),
    gettext_noop("Spending per person on cultural and natural heritage"),
    gettext_noop(
        "What public and private bodies spend in the year to preserve, protect and conserve the city's cultural and natural heritage, divided by its population, in US dollars at purchasing power parity."
    ),
    gettext_noop("USD (PPP) per person"),
    gettext_noop("Deaths, missing and directly affected persons attributed to disasters"),
    gettext_noop(
        "People who died, went missing or were directly affected by disasters in the year, per 100,000 inhabitants of the city."
    ),
    gettext_noop("per 100,000 people"),
    gettext_noop("Direct economic loss attributed to disasters"),
    gettext_noop(
        "The value of what disasters destroyed or damaged in the year — homes, infrastructure, crops, businesses — as a share of the city's gross domestic product."
    ),
    # xgettext:no-python-format
    gettext_noop("% of GDP"),
    gettext_noop("Municipal solid waste collected and managed in controlled facilities"),
    gettext_noop(
        "Share of the municipal solid waste the city generates that is collected and then treated or disposed of in facilities with environmental controls."
    ),
    gettext_noop("Annual mean level of fine particulate matter (PM2.5)"),
    gettext_noop(
        "The year's average concentration in the city's air of particles smaller than 2.5 microns, in micrograms per cubic metre (population-weighted where the city has several measuring points)."
    ),
    gettext_noop("µg/m³"),
    gettext_noop("Share of the built-up area that is open space for public use"),
    gettext_noop(
        "Share of the city's built-up area given to streets and to open public space such as parks, squares and recreational areas, open to all."
    ),
    gettext_noop("Persons victim of physical or sexual harassment"),
    gettext_noop(
        "Share of the city's residents who report having been victims of physical or sexual harassment in the previous twelve months."
    ),
    gettext_noop("Household Internet access"),
    gettext_noop(
        "Share of the city's households that can reach the Internet from home, over a fixed or a mobile network."
    ),
    gettext_noop("Fixed broadband subscriptions"),
    gettext_noop(
        "Fixed (wired) broadband subscriptions of at least 256 kbit/s downstream, for every hundred households of the city; mobile subscriptions are not counted."
    ),
    gettext_noop("Wireless broadband subscriptions"),
    gettext_noop(
        "Active mobile (wireless) broadband subscriptions in the city for every 100,000 inhabitants."
    ),
    gettext_noop("Wireless broadband coverage (4G)"),
    gettext_noop(
        "The U4SSC KPI asks what share of the city is covered by each mobile broadband generation (3G, 4G); the platform records the 4G figure, as a share of the city's population or area (say which in the method note)."
    ),
    gettext_noop("Availability of Wi-Fi in public areas"),
    gettext_noop(
        "How many public Wi-Fi hotspots, open to anyone, the city counts in its public spaces."
    ),
    gettext_noop("hotspots"),
    gettext_noop("Smart water meters"),
    gettext_noop(
        "Share of the water meters in the city that are smart: they record consumption and send it to the utility without a visit."
    ),
    gettext_noop("Smart electricity meters"),
    gettext_noop(
        "Share of the electricity meters in the city that are smart: they record consumption over time and send it to the utility."
    ),
    gettext_noop("Dynamic public transport information"),
    gettext_noop(
        "Share of the city's public transport stops and stations where riders can get live information — at least when the next vehicle arrives — on a screen, a website or an app."
    ),
    gettext_noop("Traffic monitoring"),
    gettext_noop(
        "Share of the city's major streets whose traffic is watched by ICT: sensors, cameras or connected detectors feeding a control system."
    ),
    gettext_noop("Research and development expenditure"),
    gettext_noop(
        "What businesses, government and universities spend on research and development in the city, as a share of the city's gross domestic product."
    ),
    gettext_noop("Patents"),
    gettext_noop(
        "New patents granted in the year to residents or organisations of the city, for every 100,000 inhabitants."
    ),
    gettext_noop("Unemployment rate"),
    gettext_noop(
        "Share of the city's labour force that is without work, available for work and looking for it."
    ),
    gettext_noop("Youth unemployment rate"),
    gettext_noop(
        "Share of the city's young people in the labour force (aged 15 to 24) who are without work, available for it and looking for it."
    ),
    gettext_noop("Basic water supply"),
    gettext_noop(
        "Share of the city's households that can get drinking water from an improved source (piped, borehole, protected well or spring) within a short round trip."
    ),
    gettext_noop("Potable water supply"),
    gettext_noop(
        "Share of the city's households with safely managed drinking water: on the premises, available when needed and free of contamination. Never more than the basic water supply."
    ),
    gettext_noop("Water supply loss"),
    gettext_noop(
        "Share of the water put into the city's supply network that is lost before it reaches a customer, through leaks, bursts or unbilled use."
    ),
    gettext_noop("Wastewater collection"),
    gettext_noop(
        "Share of the city's households whose wastewater is carried away by a sewer or another collection system."
    ),
    gettext_noop("Household sanitation"),
    gettext_noop(
        "Share of the city's households with at least basic sanitation: an improved toilet not shared with other households."
    ),
    gettext_noop("Solid waste collection"),
    gettext_noop("Share of the city's households whose solid waste is collected regularly."),
    gettext_noop("Electricity system outage frequency"),
    gettext_noop(
        "How many times in the year, on average, an electricity customer in the city loses supply."
    ),
    gettext_noop("interruptions per customer"),
    gettext_noop("Electricity system outage time"),
    gettext_noop(
        "How long, on average, an electricity customer in the city is without supply over the year."
    ),
    gettext_noop("hours per customer"),
    gettext_noop("Access to electricity"),
    gettext_noop(
        "Share of the city's households with an authorised connection to the electricity system."
    ),
    gettext_noop("Public transport network"),
    gettext_noop(
        "Length of the city's public transport routes (bus, tram, rail, metro, ferry), for every 100,000 inhabitants."
    ),
    gettext_noop("km per 100,000 people"),
    gettext_noop("Bicycle network"),
    gettext_noop("Length of the city's bicycle paths and lanes, for every 100,000 inhabitants."),
    gettext_noop("Air pollution (PM2.5 annual mean)"),
    gettext_noop(
        "The U4SSC air-quality KPI asks for the annual mean concentration of each pollutant (PM10, PM2.5, nitrogen dioxide, sulphur dioxide, ozone); the platform records its PM2.5 figure, in micrograms per cubic metre."
    ),
    gettext_noop("Greenhouse gas emissions"),
    gettext_noop(
        "Greenhouse gases emitted within the city in the year, in tonnes of carbon dioxide equivalent, divided by its population."
    ),
    gettext_noop("tonnes CO₂e per person"),
    gettext_noop("Drinking water quality"),
    gettext_noop(
        "Share of the city's households served by a water supply covered by an audited water safety plan."
    ),
    gettext_noop("Water consumption"),
    gettext_noop("Water the city consumes in a day, divided by its population."),
    gettext_noop("litres per person per day"),
    gettext_noop("Freshwater consumption"),
    gettext_noop(
        "Share of the water the city consumes that is drawn from freshwater sources (rivers, lakes, groundwater) rather than from reuse, desalination or rain."
    ),
    gettext_noop("Wastewater treatment"),
    gettext_noop(
        "The U4SSC KPI splits the city's treated wastewater by level (primary, secondary, tertiary); the platform records the share of all wastewater that receives at least primary treatment."
    ),
    gettext_noop("Solid waste treatment (recycled)"),
    gettext_noop(
        "The U4SSC KPI splits the city's solid waste by how it is dealt with (landfill, incineration, burning, open dump, recycling, other); the platform records the share recycled."
    ),
    gettext_noop("Electromagnetic field exposure"),
    gettext_noop(
        "Share of the city's mobile network antenna sites that comply with the exposure limits for electromagnetic fields that WHO endorses."
    ),
    gettext_noop("Green areas"),
    gettext_noop(
        "Area of the city's green spaces (parks, gardens, natural areas) open to the public, for every 100,000 inhabitants."
    ),
    gettext_noop("hectares per 100,000 people"),
    gettext_noop("Renewable energy consumption"),
    gettext_noop("Share of the energy consumed in the city that comes from renewable sources."),
    gettext_noop("Electricity consumption"),
    gettext_noop("Electricity consumed in the city in the year, divided by its population."),
    gettext_noop("kWh per person per year"),
    gettext_noop("Residential thermal energy consumption"),
    gettext_noop(
        "Energy used for heating, cooling and hot water in the city's homes in the year, divided by its population."
    ),
    gettext_noop("GJ per person per year"),
    gettext_noop("Student ICT access"),
    gettext_noop(
        "Share of the city's school students who have ICT (computers, Internet) in their classrooms."
    ),
    gettext_noop("School enrolment"),
    gettext_noop("Share of the city's children of school age who are enrolled in a school."),
    gettext_noop("Higher education degrees"),
    gettext_noop(
        "Residents of the city holding a degree from a university or another higher-education institution, for every 100,000 inhabitants."
    ),
    gettext_noop("Adult literacy"),
    gettext_noop(
        "Share of the city's adults (15 and over) who can read and write a short simple statement about their everyday life."
    ),
    gettext_noop("Life expectancy"),
    gettext_noop(
        "How many years a child born in the city can expect to live if today's death rates hold."
    ),
    gettext_noop("years"),
    gettext_noop("Maternal mortality rate"),
    gettext_noop(
        "Women of the city who die from causes related to pregnancy or childbirth, for every 100,000 live births."
    ),
    gettext_noop("per 100,000 live births"),
    gettext_noop("Physicians"),
    gettext_noop("Medical doctors working in the city, for every 100,000 inhabitants."),
    gettext_noop("Cultural expenditure"),
    gettext_noop("Share of the city's budget spent on its cultural heritage."),
    gettext_noop("Informal settlements"),
    gettext_noop(
        "Share of the city's inhabitants living in slums, informal settlements or inadequate housing."
    ),
    gettext_noop("Gender income equity"),
    gettext_noop("Women's average hourly earnings in the city divided by men's: 1 is parity."),
    gettext_noop("Gini coefficient"),
    gettext_noop(
        "How unequally income is shared among the city's inhabitants, from 0 (everyone has the same) to 1 (one person has everything)."
    ),
    gettext_noop("coefficient (0–1)"),
    gettext_noop("Poverty"),
    gettext_noop("Share of the city's inhabitants living below the poverty line."),
    gettext_noop("Voter participation"),
    gettext_noop("Share of the city's registered voters who voted in the last municipal election."),
    gettext_noop("Natural disaster related deaths"),
    gettext_noop(
        "People of the city who died because of natural disasters in the year, for every 100,000 inhabitants."
    ),
    gettext_noop("Disaster-related economic losses"),
    gettext_noop(
        "Economic losses from natural disasters in the year, as a share of the city's gross domestic product."
    ),
    gettext_noop("Police service"),
    gettext_noop("Full-time police officers serving the city, for every 100,000 inhabitants."),
    gettext_noop("Fire service"),
    gettext_noop("Full-time firefighters serving the city, for every 100,000 inhabitants."),
    gettext_noop("Violent crime rate"),
    gettext_noop(
        "Violent crimes (homicide, robbery, assault, sexual violence) recorded in the city in the year, for every 100,000 inhabitants."
    ),
    gettext_noop("Traffic fatalities"),
    gettext_noop(
        "People killed in road traffic in the city in the year, for every 100,000 inhabitants."
    ),
]
