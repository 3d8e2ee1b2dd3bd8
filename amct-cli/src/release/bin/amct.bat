@echo off
rem The amct command of the release on Windows: runs the jars in ..\lib with Java 17 or newer.
rem Environment: AMCT_JAVA (the java to run), AMCT_JAVA_OPTS (JVM options, e.g. -Xmx8g), AMCT_BACKEND.
rem The native OpenBLAS backend ships linux-x86_64 natives only; on Windows the pure-Java ejml backend runs.
setlocal
set "AMCT_HOME=%~dp0.."
set "AMCT_RUN_JAVA=%AMCT_JAVA%"
if "%AMCT_RUN_JAVA%"=="" if not "%JAVA_HOME%"=="" set "AMCT_RUN_JAVA=%JAVA_HOME%\bin\java.exe"
if "%AMCT_RUN_JAVA%"=="" set "AMCT_RUN_JAVA=java"
"%AMCT_RUN_JAVA%" %AMCT_JAVA_OPTS% -p "%AMCT_HOME%\lib" --add-modules ALL-MODULE-PATH -m org.amct.cli/org.amct.cli.Main %*
exit /b %ERRORLEVEL%
